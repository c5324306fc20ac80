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
  const plan = filePlan(documents);
  const wanted = new Set(plan.map((p) => p.url));
  const sizes = before?.sizes ?? {};
  const record: DossierFiles = { customerId, documents: documents.length, files: {}, skipped: 0, sizes: {} };
  for (const [url, kept] of Object.entries(before?.files ?? {})) {
    if (wanted.has(url)) record.files[url] = kept;
    else await cache.delete(url);
  }
  let used = others + bytesOf(record);
  let offline = false;
  const queue = plan.filter((p) => !record.files[p.url]);
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const known = next.size ?? sizes[next.url] ?? null;
      if (known !== null && record.sizes) record.sizes[next.url] = known;
      if (offline || (known !== null && used + known > budget) || used >= budget) {
        record.skipped += 1;
        continue;
      }
      try {
        const response = await fetcher(next.url, { credentials: "same-origin" });
        if (!response.ok) {
          record.skipped += 1;
          continue;
        }
        const body = await response.blob();
        if (record.sizes) record.sizes[next.url] = body.size;
        if (used + body.size > budget) {
          record.skipped += 1;
          continue;
        }
        used += body.size;
        const headers = new Headers(response.headers);
        headers.set("content-length", String(body.size));
        await cache.put(next.url, new Response(body, { status: 200, headers }));
        record.files[next.url] = { documentId: next.documentId, kind: next.kind, bytes: body.size };
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
