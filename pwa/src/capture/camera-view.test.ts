/** The live viewfinder: when it can run, why it cannot, and that it lets go of the camera. */
import { afterEach, expect, it, vi } from "vitest";
import { CameraView, cameraProblem, liveCameraSupported } from "./camera-view";

afterEach(() => {
  document.body.replaceChildren();
  vi.unstubAllGlobals();
});

function fakeNavigator(getUserMedia: unknown): Navigator {
  return { mediaDevices: getUserMedia ? { getUserMedia, enumerateDevices: async () => [] } : undefined } as unknown as Navigator;
}

it("is offered only where getUserMedia exists", () => {
  expect(liveCameraSupported(fakeNavigator(() => undefined))).toBe(true);
  expect(liveCameraSupported(fakeNavigator(undefined))).toBe(false);
});

it("explains a refused, a missing and a broken camera", () => {
  expect(cameraProblem(new DOMException("no", "NotAllowedError"))).toBe("camera.denied");
  expect(cameraProblem(new DOMException("none", "NotFoundError"))).toBe("camera.missing");
  expect(cameraProblem(new Error("boom"))).toBe("camera.failed");
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
}

it("reports a refused permission so the screen can fall back to the file input", async () => {
  const getUserMedia = vi.fn(async () => {
    throw new DOMException("denied", "NotAllowedError");
  });
  vi.stubGlobal("navigator", { ...navigator, mediaDevices: { getUserMedia, enumerateDevices: async () => [] } });
  const view = document.createElement("camera-view") as CameraView;
  const problems: string[] = [];
  view.addEventListener("unavailable", (e) => problems.push((e as CustomEvent<string>).detail));
  document.body.append(view);
  await until(() => problems.length > 0);
  expect(problems).toEqual(["camera.denied"]);
  expect(getUserMedia).toHaveBeenCalledWith(
    expect.objectContaining({ video: expect.objectContaining({ facingMode: { ideal: "environment" } }) }),
  );
});

it("stops every track when it leaves the page", async () => {
  const stop = vi.fn();
  const track = { stop, getCapabilities: () => ({}) };
  const stream = Object.assign(new MediaStream(), { getTracks: () => [track], getVideoTracks: () => [track] });
  vi.stubGlobal("navigator", {
    ...navigator,
    mediaDevices: {
      getUserMedia: async () => stream,
      enumerateDevices: async () => [{ kind: "videoinput" }, { kind: "videoinput" }],
    },
  });
  const view = document.createElement("camera-view") as CameraView;
  document.body.append(view);
  await until(() => view.ready);
  expect(view.cameras).toBe(2);
  await view.updateComplete;
  expect(view.shadowRoot!.querySelector("[aria-label='Switch camera']")).not.toBeNull();
  Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
  document.dispatchEvent(new Event("visibilitychange"));
  expect(stop).toHaveBeenCalledTimes(1);
  expect(view.ready).toBe(false);
  Object.defineProperty(document, "hidden", { configurable: true, get: () => false });
  document.dispatchEvent(new Event("visibilitychange"));
  await until(() => view.ready);
  view.remove();
  expect(stop).toHaveBeenCalledTimes(2);
});
