/**
 * The tenant's catalog (document types with their fields, registers, cover fields) for an element:
 * read from the local store when the element connects, and read again whenever the repository
 * stores a new one. A screen opened before the first catalog arrived (a deep link right after
 * sign-in) thus gets its fields as soon as they land instead of never.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { Catalog } from "../data/store";
import { repo } from "../services";

export class CatalogWatch implements ReactiveController {
  constructor(
    host: ReactiveControllerHost,
    private readonly deliver: (catalog: Catalog | undefined) => void,
  ) {
    host.addController(this);
  }

  private readonly onChanged = (event: Event): void => {
    const { what } = (event as CustomEvent<{ what: string }>).detail;
    if (what === "catalog" || what === "all") this.read();
  };

  hostConnected(): void {
    repo().events.addEventListener("changed", this.onChanged);
    this.read();
  }

  hostDisconnected(): void {
    repo().events.removeEventListener("changed", this.onChanged);
  }

  private read(): void {
    void repo()
      .catalog()
      .then((catalog) => this.deliver(catalog));
  }
}
