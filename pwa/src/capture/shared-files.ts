/**
 * Files shared into Dossier from another app (manifest share_target). The service worker stores
 * them in this cache and sends the user to /capture?shared=1, which takes them from here.
 */
export const SHARE_CACHE = "dossier-shared";

export async function takeSharedFiles(): Promise<File[]> {
  if (!("caches" in globalThis)) return [];
  const cache = await caches.open(SHARE_CACHE);
  const files: File[] = [];
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    if (response) {
      const blob = await response.blob();
      const name = decodeURIComponent(response.headers.get("x-filename") ?? "shared");
      files.push(new File([blob], name, { type: blob.type }));
    }
    await cache.delete(request);
  }
  return files;
}
