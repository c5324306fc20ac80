// Generated from schema/schema.graphql by `npm run codegen`; do not edit.
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
export type AddressInput = {
  city: string;
  country: string;
  kind: string;
  label?: string;
  /** With longitude: a position placed by hand (MANUAL). Left out, the address keeps its position while its text is unchanged, else it is geocoded. */
  latitude?: number | null | undefined;
  longitude?: number | null | undefined;
  postalCode: string;
  street: string;
};

export type ContactInput = {
  email?: string;
  name: string;
  phone?: string;
  role?: string;
};

export type CreateViewInput = {
  audience: ViewAudienceInput;
  criteria: SearchCriteriaInput;
  description?: string | null | undefined;
  name: string;
  placement: ViewPlacement;
};

/** Fields left out (null) stay unchanged on update. */
export type CustomerInput = {
  /** Replaces all addresses when given. */
  addresses?: Array<AddressInput> | null | undefined;
  /** Replaces all contacts when given. */
  contacts?: Array<ContactInput> | null | undefined;
  erpNumber?: string | null | undefined;
  /** Cover-sheet values by key; null for a key clears it. */
  keyData?: unknown;
  name?: string | null | undefined;
  status?: string | null | undefined;
};

/** Either an absolute range or a relative one. */
export type DateConditionInput =
  {   range: DateRangeInput; relative?: never; }
  |  { range?: never;   relative: RelativeDateInput; };

/** Days from start (inclusive) to end (exclusive); one may be open. */
export type DateRangeInput = {
  end?: string | null | undefined;
  start?: string | null | undefined;
};

/** Fields left out stay unchanged; in indexValues, null clears a key. */
export type DocumentMetadataInput = {
  documentDate?: string | null | undefined;
  /** Refuse with a conflict if the document changed since. */
  expectedRevision?: number | null | undefined;
  indexValues?: unknown;
  status?: string | null | undefined;
  title?: string | null | undefined;
};

/** Equals, or a range (min/max) for number, money and date fields. */
export type IndexConditionInput = {
  equals?: unknown;
  field: string;
  max?: unknown;
  min?: unknown;
};

export type NotificationEvent =
  | 'DOCUMENT_CREATED'
  | 'STATUS_CHANGED'
  | 'VERSION_ADDED';

export type PointInput = {
  latitude: number;
  longitude: number;
};

export type PreviewState =
  | 'NONE'
  | 'PENDING'
  | 'READY';

/** A range counted back from the day the search runs. */
export type RelativeDateInput = {
  amount?: number;
  unit: RelativeDateUnit;
};

/** DAYS, WEEKS and MONTHS count back `amount` units ending today; the calendar units (THIS_QUARTER …) take no amount. */
export type RelativeDateUnit =
  | 'DAYS'
  | 'LAST_MONTH'
  | 'LAST_QUARTER'
  | 'LAST_YEAR'
  | 'MONTHS'
  | 'THIS_MONTH'
  | 'THIS_QUARTER'
  | 'THIS_WEEK'
  | 'THIS_YEAR'
  | 'WEEKS';

/** All conditions combine with AND; several ids of one kind with OR. */
export type SearchCriteriaInput = {
  created?: DateConditionInput | null | undefined;
  customerIds?: Array<string>;
  documentDate?: DateConditionInput | null | undefined;
  documentTypeIds?: Array<string>;
  groupBy?: SearchGroupBy | null | undefined;
  index?: Array<IndexConditionInput>;
  registerIds?: Array<string>;
  sort?: SearchSortInput | null | undefined;
  statuses?: Array<string>;
  /** Words to find (each also as a prefix), in any order. */
  text?: string;
};

export type SearchGroupBy =
  | 'CUSTOMER'
  | 'DOCUMENT_TYPE'
  | 'MONTH'
  | 'REGISTER';

export type SearchSortInput = {
  descending?: boolean;
  /** With the key INDEX. */
  indexField?: string | null | undefined;
  key?: SearchSortKey;
};

export type SearchSortKey =
  | 'CREATED_AT'
  | 'CUSTOMER'
  | 'DOCUMENT_DATE'
  | 'DOCUMENT_TYPE'
  | 'INDEX'
  | 'RELEVANCE'
  | 'STATUS'
  | 'TITLE';

export type UploadDocumentInput = {
  customerId: string;
  documentDate?: string | null | undefined;
  documentTypeId: string;
  file: File;
  indexValues?: unknown;
  /** Registers to file into; the type's defaults when left out. */
  registerIds?: Array<string> | null | undefined;
  title: string;
};

export type ViewAudienceInput = {
  /** For GROUP. */
  groupId?: string | null | undefined;
  kind: ViewAudienceKind;
};

export type ViewAudienceKind =
  | 'GROUP'
  | 'PERSONAL'
  | 'TENANT';

/** DOSSIER: a virtual register in every dossier, within the open customer; GLOBAL: across all customers. */
export type ViewPlacement =
  | 'DOSSIER'
  | 'GLOBAL';

export type VisitInput = {
  customerId: string;
  /** With longitude: where the device was. */
  latitude?: number | null | undefined;
  longitude?: number | null | undefined;
  /** At most 2,000 characters. */
  note?: string;
  /** When, with a time zone offset; left out: now. At most 5 minutes ahead of the server's clock. */
  visitedAt?: string | null | undefined;
};

export type DocumentSummaryFragment = { id: string, title: string, documentDate: string, status: string, revision: number, customerId: string, documentTypeId: string, indexValues: unknown, createdAt: string, registers: Array<{ id: string }>, currentVersion: { id: string, mimeType: string, preview: { state: PreviewState, renditions: Array<{ kind: string, url: string, width: number, height: number }> } } | null };

export type CustomerFieldsFragment = { id: string, erpNumber: string, name: string, status: string, keyData: unknown, revision: number, updatedAt: string, addresses: Array<{ id: string, kind: string, label: string, street: string, postalCode: string, city: string, country: string, latitude: number | null, longitude: number | null }>, contacts: Array<{ id: string, name: string, role: string, email: string, phone: string }> };

export type CatalogQueryVariables = Exact<{ [key: string]: never; }>;


export type CatalogQuery = { me: { id: string, displayName: string, actions: Array<string> }, tenant: { id: string, name: string, locale: string, coverFields: Array<{ key: string, label: string, type: string, required: boolean, choices: Array<string> }> }, registers: Array<{ id: string, key: string, name: string, parentId: string | null, position: number }>, documentTypes: Array<{ id: string, key: string, name: string, defaultRegisterKeys: Array<string>, fields: Array<{ key: string, label: string, type: string, required: boolean, choices: Array<string> }> }> };

export type CustomerSearchQueryVariables = Exact<{
  search: string;
  first: number;
}>;


export type CustomerSearchQuery = { customers: { items: Array<{ id: string, erpNumber: string, name: string, status: string, keyData: unknown, revision: number, updatedAt: string, addresses: Array<{ id: string, kind: string, label: string, street: string, postalCode: string, city: string, country: string, latitude: number | null, longitude: number | null }>, contacts: Array<{ id: string, name: string, role: string, email: string, phone: string }> }> } };

export type DossierQueryVariables = Exact<{
  customerId: string;
  first: number;
}>;


export type DossierQuery = { customer: { id: string, erpNumber: string, name: string, status: string, keyData: unknown, revision: number, updatedAt: string, addresses: Array<{ id: string, kind: string, label: string, street: string, postalCode: string, city: string, country: string, latitude: number | null, longitude: number | null }>, contacts: Array<{ id: string, name: string, role: string, email: string, phone: string }> }, dossier: { documentCount: number, coverFields: Array<{ key: string, label: string, type: string, value: unknown }>, registers: Array<{ count: number, register: { id: string, key: string } }>, documents: { items: Array<{ id: string, title: string, documentDate: string, status: string, revision: number, customerId: string, documentTypeId: string, indexValues: unknown, createdAt: string, registers: Array<{ id: string }>, currentVersion: { id: string, mimeType: string, preview: { state: PreviewState, renditions: Array<{ kind: string, url: string, width: number, height: number }> } } | null }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } };

export type DossierDocumentsQueryVariables = Exact<{
  customerId: string;
  first: number;
  after?: string | null | undefined;
}>;


export type DossierDocumentsQuery = { dossier: { documents: { items: Array<{ id: string, title: string, documentDate: string, status: string, revision: number, customerId: string, documentTypeId: string, indexValues: unknown, createdAt: string, registers: Array<{ id: string }>, currentVersion: { id: string, mimeType: string, preview: { state: PreviewState, renditions: Array<{ kind: string, url: string, width: number, height: number }> } } | null }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } };

export type DocumentDetailFragment = { versionCount: number, updatedAt: string, retentionUntil: string | null, id: string, title: string, documentDate: string, status: string, revision: number, customerId: string, documentTypeId: string, indexValues: unknown, createdAt: string, documentType: { id: string, name: string }, customer: { id: string, name: string } | null, createdBy: { displayName: string } | null, versions: Array<{ id: string, number: number, filename: string, mimeType: string, size: number, comment: string, createdAt: string, downloadUrl: string, viewUrl: string, createdBy: { displayName: string } | null, preview: { state: PreviewState, reason: string | null, pageCount: number | null, renditions: Array<{ kind: string, url: string, width: number, height: number }> }, pages: Array<{ number: number, width: number, height: number, url: string, rendition: { url: string } | null }> }>, history: Array<{ revision: number, field: string, oldValue: unknown, newValue: unknown, changedAt: string, changedBy: { displayName: string } | null }>, registers: Array<{ id: string }>, currentVersion: { id: string, mimeType: string, preview: { state: PreviewState, renditions: Array<{ kind: string, url: string, width: number, height: number }> } } | null };

export type DocumentQueryVariables = Exact<{
  id: string;
}>;


export type DocumentQuery = { document: { versionCount: number, updatedAt: string, retentionUntil: string | null, id: string, title: string, documentDate: string, status: string, revision: number, customerId: string, documentTypeId: string, indexValues: unknown, createdAt: string, documentType: { id: string, name: string }, customer: { id: string, name: string } | null, createdBy: { displayName: string } | null, versions: Array<{ id: string, number: number, filename: string, mimeType: string, size: number, comment: string, createdAt: string, downloadUrl: string, viewUrl: string, createdBy: { displayName: string } | null, preview: { state: PreviewState, reason: string | null, pageCount: number | null, renditions: Array<{ kind: string, url: string, width: number, height: number }> }, pages: Array<{ number: number, width: number, height: number, url: string, rendition: { url: string } | null }> }>, history: Array<{ revision: number, field: string, oldValue: unknown, newValue: unknown, changedAt: string, changedBy: { displayName: string } | null }>, registers: Array<{ id: string }>, currentVersion: { id: string, mimeType: string, preview: { state: PreviewState, renditions: Array<{ kind: string, url: string, width: number, height: number }> } } | null } };

type ErrorFields_ConflictError_Fragment = { code: string, message: string };

type ErrorFields_ForbiddenError_Fragment = { code: string, message: string };

type ErrorFields_NotFoundError_Fragment = { code: string, message: string };

type ErrorFields_PageError_Fragment = { code: string, message: string };

type ErrorFields_UnavailableError_Fragment = { code: string, message: string };

type ErrorFields_UploadError_Fragment = { code: string, message: string };

type ErrorFields_ValidationError_Fragment = { code: string, message: string, issues: Array<{ field: string, code: string, message: string }> };

export type ErrorFieldsFragment =
  | ErrorFields_ConflictError_Fragment
  | ErrorFields_ForbiddenError_Fragment
  | ErrorFields_NotFoundError_Fragment
  | ErrorFields_PageError_Fragment
  | ErrorFields_UnavailableError_Fragment
  | ErrorFields_UploadError_Fragment
  | ErrorFields_ValidationError_Fragment
;

export type UpdateDocumentMetadataMutationVariables = Exact<{
  id: string;
  input: DocumentMetadataInput;
}>;


export type UpdateDocumentMetadataMutation = { updateDocumentMetadata:
    | { __typename: 'ConflictError', code: string, message: string }
    | { __typename: 'Document', versionCount: number, updatedAt: string, retentionUntil: string | null, id: string, title: string, documentDate: string, status: string, revision: number, customerId: string, documentTypeId: string, indexValues: unknown, createdAt: string, documentType: { id: string, name: string }, customer: { id: string, name: string } | null, createdBy: { displayName: string } | null, versions: Array<{ id: string, number: number, filename: string, mimeType: string, size: number, comment: string, createdAt: string, downloadUrl: string, viewUrl: string, createdBy: { displayName: string } | null, preview: { state: PreviewState, reason: string | null, pageCount: number | null, renditions: Array<{ kind: string, url: string, width: number, height: number }> }, pages: Array<{ number: number, width: number, height: number, url: string, rendition: { url: string } | null }> }>, history: Array<{ revision: number, field: string, oldValue: unknown, newValue: unknown, changedAt: string, changedBy: { displayName: string } | null }>, registers: Array<{ id: string }>, currentVersion: { id: string, mimeType: string, preview: { state: PreviewState, renditions: Array<{ kind: string, url: string, width: number, height: number }> } } | null }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'UploadError', code: string, message: string }
    | { __typename: 'ValidationError', code: string, message: string, issues: Array<{ field: string, code: string, message: string }> }
   };

export type UpdateCustomerMutationVariables = Exact<{
  id: string;
  input: CustomerInput;
}>;


export type UpdateCustomerMutation = { updateCustomer:
    | { __typename: 'ConflictError', code: string, message: string }
    | { __typename: 'Customer', id: string, erpNumber: string, name: string, status: string, keyData: unknown, revision: number, updatedAt: string, addresses: Array<{ id: string, kind: string, label: string, street: string, postalCode: string, city: string, country: string, latitude: number | null, longitude: number | null }>, contacts: Array<{ id: string, name: string, role: string, email: string, phone: string }> }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'ValidationError', code: string, message: string, issues: Array<{ field: string, code: string, message: string }> }
   };

export type UploadDocumentMutationVariables = Exact<{
  input: UploadDocumentInput;
}>;


export type UploadDocumentMutation = { uploadDocument:
    | { __typename: 'ConflictError', code: string, message: string }
    | { __typename: 'Document', id: string, title: string, documentDate: string, status: string, revision: number, customerId: string, documentTypeId: string, indexValues: unknown, createdAt: string, registers: Array<{ id: string }>, currentVersion: { id: string, mimeType: string, preview: { state: PreviewState, renditions: Array<{ kind: string, url: string, width: number, height: number }> } } | null }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'UploadError', code: string, message: string }
    | { __typename: 'ValidationError', code: string, message: string, issues: Array<{ field: string, code: string, message: string }> }
   };

export type AddVersionMutationVariables = Exact<{
  documentId: string;
  file: File;
}>;


export type AddVersionMutation = { addVersion:
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'UploadError', code: string, message: string }
    | { __typename: 'ValidationError', code: string, message: string, issues: Array<{ field: string, code: string, message: string }> }
    | { __typename: 'Version', id: string }
   };

export type RecentDocumentsQueryVariables = Exact<{
  criteria: SearchCriteriaInput;
  limit: number;
}>;


export type RecentDocumentsQuery = { search: { total: number, totalExact: boolean, hits: Array<{ document: { id: string, title: string, documentDate: string, status: string, revision: number, customerId: string, documentTypeId: string, indexValues: unknown, createdAt: string, customer: { id: string, erpNumber: string, name: string, status: string, keyData: unknown, revision: number, updatedAt: string, addresses: Array<{ id: string, kind: string, label: string, street: string, postalCode: string, city: string, country: string, latitude: number | null, longitude: number | null }>, contacts: Array<{ id: string, name: string, role: string, email: string, phone: string }> } | null, registers: Array<{ id: string }>, currentVersion: { id: string, mimeType: string, preview: { state: PreviewState, renditions: Array<{ kind: string, url: string, width: number, height: number }> } } | null } }> } };

export type SearchResultsFieldsFragment = { total: number, totalExact: boolean, nextCursor: string | null, hits: Array<{ rank: number, snippet: Array<{ text: string, highlighted: boolean }>, document: { id: string, title: string, documentDate: string, status: string, revision: number, customerId: string, documentTypeId: string, indexValues: unknown, createdAt: string, customer: { id: string, erpNumber: string, name: string, status: string, keyData: unknown, revision: number, updatedAt: string, addresses: Array<{ id: string, kind: string, label: string, street: string, postalCode: string, city: string, country: string, latitude: number | null, longitude: number | null }>, contacts: Array<{ id: string, name: string, role: string, email: string, phone: string }> } | null, registers: Array<{ id: string }>, currentVersion: { id: string, mimeType: string, preview: { state: PreviewState, renditions: Array<{ kind: string, url: string, width: number, height: number }> } } | null } }> };

export type DocumentSearchQueryVariables = Exact<{
  criteria: SearchCriteriaInput;
  after?: string | null | undefined;
  limit: number;
}>;


export type DocumentSearchQuery = { search: { total: number, totalExact: boolean, nextCursor: string | null, hits: Array<{ rank: number, snippet: Array<{ text: string, highlighted: boolean }>, document: { id: string, title: string, documentDate: string, status: string, revision: number, customerId: string, documentTypeId: string, indexValues: unknown, createdAt: string, customer: { id: string, erpNumber: string, name: string, status: string, keyData: unknown, revision: number, updatedAt: string, addresses: Array<{ id: string, kind: string, label: string, street: string, postalCode: string, city: string, country: string, latitude: number | null, longitude: number | null }>, contacts: Array<{ id: string, name: string, role: string, email: string, phone: string }> } | null, registers: Array<{ id: string }>, currentVersion: { id: string, mimeType: string, preview: { state: PreviewState, renditions: Array<{ kind: string, url: string, width: number, height: number }> } } | null } }> } };

export type SavedViewFieldsFragment = { id: string, name: string, description: string | null, placement: ViewPlacement, position: number, canEdit: boolean, audience: { kind: ViewAudienceKind, groupId: string | null, groupName: string | null }, criteria: { text: string, customerIds: Array<string>, documentTypeIds: Array<string>, statuses: Array<string> } };

export type ViewsQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewsQuery = { views: Array<{ id: string, name: string, description: string | null, placement: ViewPlacement, position: number, canEdit: boolean, audience: { kind: ViewAudienceKind, groupId: string | null, groupName: string | null }, criteria: { text: string, customerIds: Array<string>, documentTypeIds: Array<string>, statuses: Array<string> } }> };

export type ViewResultsQueryVariables = Exact<{
  id: string;
  customerId?: string | null | undefined;
  after?: string | null | undefined;
  limit: number;
}>;


export type ViewResultsQuery = { view: { id: string, name: string, description: string | null, placement: ViewPlacement, position: number, canEdit: boolean, results: { total: number, totalExact: boolean, nextCursor: string | null, hits: Array<{ rank: number, snippet: Array<{ text: string, highlighted: boolean }>, document: { id: string, title: string, documentDate: string, status: string, revision: number, customerId: string, documentTypeId: string, indexValues: unknown, createdAt: string, customer: { id: string, erpNumber: string, name: string, status: string, keyData: unknown, revision: number, updatedAt: string, addresses: Array<{ id: string, kind: string, label: string, street: string, postalCode: string, city: string, country: string, latitude: number | null, longitude: number | null }>, contacts: Array<{ id: string, name: string, role: string, email: string, phone: string }> } | null, registers: Array<{ id: string }>, currentVersion: { id: string, mimeType: string, preview: { state: PreviewState, renditions: Array<{ kind: string, url: string, width: number, height: number }> } } | null } }> }, audience: { kind: ViewAudienceKind, groupId: string | null, groupName: string | null }, criteria: { text: string, customerIds: Array<string>, documentTypeIds: Array<string>, statuses: Array<string> } } };

export type CreateViewMutationVariables = Exact<{
  input: CreateViewInput;
}>;


export type CreateViewMutation = { createView:
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'SavedView', id: string, name: string, description: string | null, placement: ViewPlacement, position: number, canEdit: boolean, audience: { kind: ViewAudienceKind, groupId: string | null, groupName: string | null }, criteria: { text: string, customerIds: Array<string>, documentTypeIds: Array<string>, statuses: Array<string> } }
    | { __typename: 'ValidationError', code: string, message: string, issues: Array<{ field: string, code: string, message: string }> }
   };

export type DeleteViewMutationVariables = Exact<{
  id: string;
}>;


export type DeleteViewMutation = { deleteView:
    | { __typename: 'ConflictError', code: string, message: string }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'Removed' }
    | { __typename: 'ValidationError', code: string, message: string, issues: Array<{ field: string, code: string, message: string }> }
   };

export type MapSettingsQueryVariables = Exact<{ [key: string]: never; }>;


export type MapSettingsQuery = { mapSettings: { tileUrl: string, attribution: string, attributionUrl: string | null, maxZoom: number, prefetchAllowed: boolean, prefetchMaxTiles: number } };

export type MapCustomersQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;


export type MapCustomersQuery = { customers: { items: Array<{ lastVisitAt: string | null, id: string, erpNumber: string, name: string, status: string, keyData: unknown, revision: number, updatedAt: string, addresses: Array<{ id: string, kind: string, label: string, street: string, postalCode: string, city: string, country: string, latitude: number | null, longitude: number | null }>, contacts: Array<{ id: string, name: string, role: string, email: string, phone: string }> }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type CustomerDocumentCountsQueryVariables = Exact<{
  criteria: SearchCriteriaInput;
}>;


export type CustomerDocumentCountsQuery = { search: { groups: Array<{ key: string, count: number }> } };

export type NearbyFieldsFragment = { distanceKm: number, latitude: number, longitude: number, customer: { id: string, erpNumber: string, name: string, status: string, keyData: unknown, revision: number, updatedAt: string, addresses: Array<{ id: string, kind: string, label: string, street: string, postalCode: string, city: string, country: string, latitude: number | null, longitude: number | null }>, contacts: Array<{ id: string, name: string, role: string, email: string, phone: string }> }, address: { id: string } };

export type CustomersNearQueryVariables = Exact<{
  latitude: number;
  longitude: number;
  radiusKm: number;
  limit: number;
}>;


export type CustomersNearQuery = { customersNear:
    | { __typename: 'NearbyCustomers', items: Array<{ distanceKm: number, latitude: number, longitude: number, customer: { id: string, erpNumber: string, name: string, status: string, keyData: unknown, revision: number, updatedAt: string, addresses: Array<{ id: string, kind: string, label: string, street: string, postalCode: string, city: string, country: string, latitude: number | null, longitude: number | null }>, contacts: Array<{ id: string, name: string, role: string, email: string, phone: string }> }, address: { id: string } }> }
    | { __typename: 'ValidationError', code: string, message: string, issues: Array<{ field: string, code: string, message: string }> }
   };

export type PlanRouteQueryVariables = Exact<{
  start: PointInput;
  customerIds?: Array<string> | string | null | undefined;
  roundTrip: boolean;
}>;


export type PlanRouteQuery = { planRoute:
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'RoutePlan', totalKm: number, roundTrip: boolean, returnLegKm: number, distances: string, notes: Array<string>, stops: Array<{ sequence: number, latitude: number, longitude: number, legKm: number, geoUri: string, appleMapsUrl: string, googleMapsUrl: string, customer: { id: string, erpNumber: string, name: string, status: string, keyData: unknown, revision: number, updatedAt: string, addresses: Array<{ id: string, kind: string, label: string, street: string, postalCode: string, city: string, country: string, latitude: number | null, longitude: number | null }>, contacts: Array<{ id: string, name: string, role: string, email: string, phone: string }> }, address: { id: string } }> }
    | { __typename: 'ValidationError', code: string, message: string, issues: Array<{ field: string, code: string, message: string }> }
   };

export type SetAddressPositionMutationVariables = Exact<{
  addressId: string;
  position?: PointInput | null | undefined;
}>;


export type SetAddressPositionMutation = { setAddressPosition:
    | { __typename: 'Customer', id: string, erpNumber: string, name: string, status: string, keyData: unknown, revision: number, updatedAt: string, addresses: Array<{ id: string, kind: string, label: string, street: string, postalCode: string, city: string, country: string, latitude: number | null, longitude: number | null }>, contacts: Array<{ id: string, name: string, role: string, email: string, phone: string }> }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'ValidationError', code: string, message: string, issues: Array<{ field: string, code: string, message: string }> }
   };

export type VisitFieldsFragment = { id: string, visitedAt: string, note: string, user: { displayName: string } | null };

export type RecordVisitMutationVariables = Exact<{
  input: VisitInput;
}>;


export type RecordVisitMutation = { recordVisit:
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'ValidationError', code: string, message: string, issues: Array<{ field: string, code: string, message: string }> }
    | { __typename: 'Visit', id: string, visitedAt: string, note: string, customer: { id: string, lastVisitAt: string | null }, user: { displayName: string } | null }
   };

export type CustomerVisitsQueryVariables = Exact<{
  id: string;
  first: number;
}>;


export type CustomerVisitsQuery = { customer: { id: string, lastVisitAt: string | null, visits: { items: Array<{ id: string, visitedAt: string, note: string, user: { displayName: string } | null }> } } };

export type DocumentEventsSubscriptionVariables = Exact<{
  customerId?: string | null | undefined;
}>;


export type DocumentEventsSubscription = { documentEvents: { event: NotificationEvent, documentId: string, customerId: string, versionId: string | null } };
