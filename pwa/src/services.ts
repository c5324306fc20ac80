/** The app's single repository, set once at start (main.ts) or by a test. */
import { Repository } from "./data/repository";
import { MemoryStore } from "./data/store";

let repository: Repository | null = null;

export function repo(): Repository {
  repository ??= new Repository(new MemoryStore());
  return repository;
}

export function setRepository(next: Repository): void {
  repository = next;
}
