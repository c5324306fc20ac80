/**
 * Saved views (docs/adr/0015): the list the caller sees, running one (narrowed to a customer inside
 * a dossier), saving the current search as one and deleting one. The list is kept in the store so
 * dossiers show their virtual registers offline too; results land in the store like search hits.
 */
import { CREATE_VIEW, DELETE_VIEW, VIEW_RESULTS, VIEWS } from "./operations";
import type {
  CreateViewMutation,
  CreateViewMutationVariables,
  DeleteViewMutation,
  DeleteViewMutationVariables,
  SavedViewFieldsFragment,
  ViewAudienceKind,
  ViewPlacement,
  ViewResultsQuery,
  ViewResultsQueryVariables,
  ViewsQuery,
} from "../generated/graphql";
import { buildCriteria, keepResults, SEARCH_PAGE, type HitPage, type SearchForm } from "./document-search";
import type { Gql, Saved, ServerError } from "./repository";
import type { LocalStore } from "./store";

export type SavedView = SavedViewFieldsFragment;

export interface NewView {
  name: string;
  audience: ViewAudienceKind;
  placement: ViewPlacement;
}

function asError(result: { __typename: string; code?: string; message?: string; issues?: ServerError["issues"] }): ServerError {
  return {
    code: result.code ?? "internal_error",
    message: result.message ?? result.__typename,
    issues: result.issues ?? [],
  };
}

/** The criteria a view is saved with: a view placed in every dossier names no customer. */
export function viewCriteria(form: SearchForm, placement: ViewPlacement): ReturnType<typeof buildCriteria> {
  const criteria = buildCriteria(placement === "DOSSIER" ? { ...form, customerId: null } : form);
  return criteria;
}

export class SavedViews {
  /** "changed" fires after the stored list changed. */
  readonly events = new EventTarget();

  constructor(
    private readonly store: LocalStore,
    private readonly gql: Gql,
  ) {}

  /** The views as last fetched (empty before the first fetch). */
  async local(): Promise<SavedView[]> {
    return (await this.store.getMeta<SavedView[]>("views")) ?? [];
  }

  async refresh(): Promise<SavedView[]> {
    const answer = await this.gql<ViewsQuery, object>(VIEWS);
    await this.store.setMeta("views", answer.views);
    this.events.dispatchEvent(new Event("changed"));
    return answer.views;
  }

  /** A page of the view's documents (within one customer when customerId is given). */
  async results(
    id: string,
    customerId: string | null,
    after: string | null = null,
    signal?: AbortSignal,
  ): Promise<{ view: SavedView; page: HitPage }> {
    const answer = await this.gql<ViewResultsQuery, ViewResultsQueryVariables>(
      VIEW_RESULTS,
      { id, customerId, after, limit: SEARCH_PAGE },
      signal,
    );
    const { results, ...view } = answer.view;
    return { view, page: await keepResults(this.store, results) };
  }

  async create(form: SearchForm, view: NewView): Promise<Saved<SavedView>> {
    const answer = await this.gql<CreateViewMutation, CreateViewMutationVariables>(CREATE_VIEW, {
      input: {
        name: view.name.trim(),
        audience: { kind: view.audience },
        placement: view.placement,
        criteria: viewCriteria(form, view.placement),
      },
    });
    const result = answer.createView;
    if (result.__typename !== "SavedView") return { ok: false, error: asError(result) };
    await this.store.setMeta("views", [...(await this.local()).filter((v) => v.id !== result.id), result]);
    this.events.dispatchEvent(new Event("changed"));
    return { ok: true, value: result };
  }

  async remove(id: string): Promise<Saved<string>> {
    const answer = await this.gql<DeleteViewMutation, DeleteViewMutationVariables>(DELETE_VIEW, { id });
    const result = answer.deleteView;
    if (result.__typename !== "Removed") return { ok: false, error: asError(result) };
    await this.store.setMeta("views", (await this.local()).filter((v) => v.id !== id));
    this.events.dispatchEvent(new Event("changed"));
    return { ok: true, value: id };
  }
}
