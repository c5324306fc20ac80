/** Test data in the shapes the server answers (used by the unit tests only). */
import type { Customer, DocumentSummary } from "./store";

export function customer(id: string, name: string, erpNumber = `KD-${id}`): Customer {
  return {
    id,
    name,
    erpNumber,
    status: "active",
    keyData: {},
    revision: 1,
    updatedAt: "2026-01-01T00:00:00Z",
    addresses: [
      {
        id: `${id}-a`,
        kind: "billing",
        label: "",
        street: "Hauptstraße 1",
        postalCode: "10115",
        city: "Berlin",
        country: "DE",
        latitude: null,
        longitude: null,
      },
    ],
    contacts: [],
  };
}

export function doc(id: string, customerId: string, over: Partial<DocumentSummary> = {}): DocumentSummary {
  return {
    id,
    title: `Document ${id}`,
    documentDate: "2026-03-01",
    status: "active",
    revision: 1,
    customerId,
    documentTypeId: "letter",
    indexValues: {},
    createdAt: "2026-03-01T10:00:00Z",
    registers: [],
    currentVersion: null,
    ...over,
  };
}
