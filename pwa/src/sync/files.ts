/**
 * The files of pinned dossiers on this device: thumbnails, the first page's screen image and the
 * document file itself, kept in Cache Storage (`dossier-pinned`, served offline by sw.ts) up to a
 * storage budget the user sets per device. Thumbnails of every document come first (the list
 * needs them), then screen images and files, newest documents first, while the budget lasts.
 * What is kept, per dossier, is a small record in the sync database's `meta` store, so usage is
 * shown and an unpinned dossier's files are dropped without reading the cache (docs/adr/0026).
 */
import type { StoredDocument } from "../data/store";
import type { SyncDatabase } from "./db";

export const PINNED_CACHE = "dossier-pinned";
/** Marks the page's fetches of files to keep: the service worker lets them through untouched. */
export const PIN_FETCH_HEADER = "x-dossier-pin";
const BUDGET_KEY = "dossier.storageBudget";
/** Choices offered in Settings, in MB. */
export const BUDGET_CHOICES_MB = [50, 200, 500, 1000, 2000, 5000] as const;
export const DEFAULT_BUDGET_MB = 500;
const MB = 1024 * 1024;

export function storageBudget(): number {
  try {
    const mb = Number(localStorage.getItem(BUDGET_KEY));
    return (Number.isFinite(mb) && mb > 0 ? mb : DEFAULT_BUDGET_MB) * MB;
  } catch {
    return DEFAULT_BUDGET_MB * MB;
  }
}

export function setStorageBudget(mb: number): void {
  localStorage.setItem(BUDGET_KEY, String(mb));
}

export type FileKind = "thumbnail" | "screen" | "file";

export interface PlannedFile {
  url: string;
  documentId: string;
  kind: FileKind;
  /** Known before fetching (a version's size), else null. */
  size: number | null;
}

/** What is kept of one pinned dossier: bytes per cached URL. */
export interface DossierFiles {
  customerId: string;
  /** Documents of the dossier at the last run. */
  documents: number;
  files: Record<string, { documentId: string; kind: FileKind; bytes: number }>;
  /** Files left out for the budget at the last run. */
  skipped: number;
  /** Sizes learnt of files fetched but left out, so the next run need not fetch them to know. */
  sizes?: Record<string, number>;
  /** Written by a run for one kind only (thumbnails during a pull): the full run is still to come. */
  only?: FileKind;
}

const newestFirst = (a: StoredDocument, b: StoredDocument): number =>
  (b.createdAt || b.documentDate).localeCompare(a.createdAt || a.documentDate) || b.documentDate.localeCompare(a.documentDate);

/** In the order they are fetched: every thumbnail (newest first), then screen and file per document. */
export function filePlan(documents: readonly StoredDocument[]): PlannedFile[] {
  const sorted = [...documents].sort(newestFirst);
  const thumbs: PlannedFile[] = [];
  const rest: PlannedFile[] = [];
  for (const d of sorted) {
    const renditions = d.currentVersion?.preview.renditions ?? [];
    const thumb = renditions.find((r) => r.kind === "thumbnail");
    if (thumb) thumbs.push({ url: thumb.url, documentId: d.id, kind: "thumbnail", size: null });
    const screen = renditions.find((r) => r.kind === "screen");
    if (screen) rest.push({ url: screen.url, documentId: d.id, kind: "screen", size: null });
    const version = d.detail?.versions.at(-1);
    if (version) rest.push({ url: version.viewUrl, documentId: d.id, kind: "file", size: version.size });
  }
  return [...thumbs, ...rest];
}

const filesKey = (customerId: string): string => `files:${customerId}`;

export async function keptFiles(db: SyncDatabase, customerId: string): Promise<DossierFiles | undefined> {
  return (await db.get("meta", filesKey(customerId))) as DossierFiles | undefined;
}

async function allKept(db: SyncDatabase): Promise<DossierFiles[]> {
  const range = IDBKeyRange.bound("files:", "files:\uffff");
  return (await db.getAll("meta", range)) as DossierFiles[];
}

export function bytesOf(files: DossierFiles | undefined): number {
  return Object.values(files?.files ?? {}).reduce((n, f) => n + f.bytes, 0);
}

export interface FetchOptions {
  /** Only these kinds (thumbnails while a pull goes on): nothing kept is dropped. */
  only?: FileKind;
  budget?: number;
  /** Parallel requests. */
  parallel?: number;
  fetcher?: typeof fetch;
  cache?: Cache;
}

/**
 * Fetch what the plan asks for and the budget allows (counting every pinned dossier's files),
 * dropping files of this dossier that are no longer in its plan. Answers the new record.
 * Offline, fetching stops at the first failure; what was kept stays.
 */
export async function keepFiles(db: SyncDatabase, customerId: string, documents: readonly StoredDocument[], options: FetchOptions = {}): Promise<DossierFiles> {
  const cache = options.cache ?? (await caches.open(PINNED_CACHE));
  const fetcher = options.fetcher ?? ((input, init) => fetch(input, init));
  const budget = options.budget ?? storageBudget();
  const before = await keptFiles(db, customerId);
  const others = (await allKept(db)).filter((f) => f.customerId !== customerId).reduce((n, f) => n + bytesOf(f), 0);
  const plan = filePlan(documents).filter((p) => !options.only || p.kind === options.only);
  const wanted = new Set(plan.map((p) => p.url));
  const sizes = before?.sizes ?? {};
  const record: DossierFiles = { customerId, documents: documents.length, files: {}, skipped: 0, sizes: {} };
  if (options.only) record.only = options.only;
  for (const [url, kept] of Object.entries(before?.files ?? {})) {
    if (wanted.has(url) || options.only) record.files[url] = kept;
    else await cache.delete(url);
  }
  let used = others + bytesOf(record);
  let offline = false;
  let queue = plan.filter((p) => !record.files[p.url]);
  /** Keep one fetched file if the budget allows. */
  const keep = async (next: PlannedFile, body: Blob, headers: Headers): Promise<void> => {
    if (record.sizes) record.sizes[next.url] = body.size;
    if (used + body.size > budget) {
      record.skipped += 1;
      return;
    }
    used += body.size;
    headers.set("content-length", String(body.size));
    await cache.put(next.url, new Response(body, { status: 200, headers }));
    record.files[next.url] = { documentId: next.documentId, kind: next.kind, bytes: body.size };
  };
  // Thumbnails first, many to a request (GET /renditions?ids=…); what a bundle cannot bring
  // (an older server) is fetched one by one below.
  const bundles: PlannedFile[][] = [];
  const thumbs = queue.filter((p) => p.kind === "thumbnail" && renditionIdOf(p.url) !== null);
  for (let i = 0; i < thumbs.length; i += BUNDLE_SIZE) bundles.push(thumbs.slice(i, i + BUNDLE_SIZE));
  const bundled = new Set<string>();
  const bundleWorker = async (): Promise<void> => {
    for (let bundle = bundles.shift(); bundle && !offline; bundle = bundles.shift()) {
      let found: Map<string, Blob> | null;
      try {
        found = used >= budget ? new Map() : await fetchBundle(fetcher, bundle);
      } catch {
        offline = true;
        return;
      }
      if (found === null) continue;
      await Promise.all(
        bundle.map(async (next) => {
          bundled.add(next.url);
          const body = found.get(next.url);
          if (body) await keep(next, body, new Headers({ "content-type": body.type }));
          else record.skipped += 1;
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: BUNDLES_AT_ONCE }, bundleWorker));
  queue = queue.filter((p) => !bundled.has(p.url));
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const known = next.size ?? sizes[next.url] ?? null;
      if (known !== null && record.sizes) record.sizes[next.url] = known;
      if (offline || (known !== null && used + known > budget) || used >= budget) {
        record.skipped += 1;
        continue;
      }
      try {
        const response = await fetcher(next.url, { credentials: "same-origin", headers: { [PIN_FETCH_HEADER]: "1" } });
        if (!response.ok) {
          record.skipped += 1;
          continue;
        }
        await keep(next, await response.blob(), new Headers(response.headers));
      } catch {
        offline = true;
        record.skipped += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.parallel ?? 6 }, worker));
  await db.put("meta", record, filesKey(customerId));
  return record;
}

/** Renditions per bundle request (the server takes up to 200) and bundle requests at once. */
const BUNDLE_SIZE = 100;
const BUNDLES_AT_ONCE = 3;
export const BUNDLE_TYPE = "application/vnd.dossier.renditions";

/** The rendition id of a `/renditions/{id}` URL (projection.ts renditionUrl), else null. */
export function renditionIdOf(url: string): string | null {
  const match = /^\/renditions\/([^/?#]+)$/.exec(url);
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}

/**
 * Several renditions in one request (backend/http/rendition_bundle.py): one line of JSON naming
 * each one found (id, type, size), then their bytes in that order. Answers them by URL, or null
 * when the server has no such request (the caller fetches them one by one).
 */
export async function fetchBundle(fetcher: typeof fetch, files: readonly PlannedFile[]): Promise<Map<string, Blob> | null> {
  const byId = new Map(files.map((f) => [renditionIdOf(f.url) ?? "", f.url]));
  const ids = [...byId.keys()].map(encodeURIComponent).join(",");
  const response = await fetcher(`/renditions?ids=${ids}`, { credentials: "same-origin", headers: { [PIN_FETCH_HEADER]: "1" } });
  if (!response.ok || !(response.headers.get("content-type") ?? "").startsWith(BUNDLE_TYPE)) return null;
  const bytes = new Uint8Array(await response.arrayBuffer());
  const end = bytes.indexOf(10);
  if (end < 0) return null;
  const index = JSON.parse(new TextDecoder().decode(bytes.subarray(0, end))) as { id: string; type: string; size: number }[];
  const found = new Map<string, Blob>();
  let offset = end + 1;
  for (const entry of index) {
    const url = byId.get(entry.id);
    if (url) found.set(url, new Blob([bytes.subarray(offset, offset + entry.size)], { type: entry.type }));
    offset += entry.size;
  }
  return found;
}

/** Forget a dossier's files (unpinned or evicted). */
export async function dropFiles(db: SyncDatabase, customerId: string, cache?: Cache): Promise<void> {
  const kept = await keptFiles(db, customerId);
  const open = cache ?? (await caches.open(PINNED_CACHE));
  for (const url of Object.keys(kept?.files ?? {})) await open.delete(url);
  await db.delete("meta", filesKey(customerId));
}

/**
 * Drop kept files until every pinned dossier's files together fit `budget` (the user lowered it):
 * the files and screen images go before any thumbnail, oldest documents first, across dossiers,
 * the reverse of the order they are kept in; a file no longer in its dossier's plan goes first
 * of all. `dossiers`: each pinned dossier's documents. Answers how many files were dropped.
 */
export async function trimToBudget(
  db: SyncDatabase,
  dossiers: ReadonlyMap<string, readonly StoredDocument[]>,
  budget = storageBudget(),
  cache?: Cache,
): Promise<number> {
  const records = await allKept(db);
  let used = records.reduce((n, f) => n + bytesOf(f), 0);
  if (used <= budget) return 0;
  const candidates: { record: DossierFiles; url: string; rank: [number, string] }[] = [];
  for (const record of records) {
    const created = new Map((dossiers.get(record.customerId) ?? []).map((d) => [d.id, d.createdAt || d.documentDate]));
    for (const [url, kept] of Object.entries(record.files)) {
      const date = created.get(kept.documentId);
      // Unplanned first (tier 0), then screens and files (1), thumbnails last (2); oldest first.
      const tier = date === undefined ? 0 : kept.kind === "thumbnail" ? 2 : 1;
      candidates.push({ record, url, rank: [tier, date ?? ""] });
    }
  }
  candidates.sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1].localeCompare(b.rank[1]));
  const open = cache ?? (await caches.open(PINNED_CACHE));
  const changed = new Set<DossierFiles>();
  let dropped = 0;
  for (const { record, url } of candidates) {
    if (used <= budget) break;
    used -= record.files[url]?.bytes ?? 0;
    delete record.files[url];
    record.skipped += 1;
    changed.add(record);
    dropped += 1;
    await open.delete(url);
  }
  for (const record of changed) await db.put("meta", record, filesKey(record.customerId));
  return dropped;
}
