/** "ready": a new version waits; "apply": the user asked to switch to it (main.ts does). */
export const updateEvents = new EventTarget();
