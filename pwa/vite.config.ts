import { readFileSync } from "node:fs";
import { defineConfig } from "vitest/config";
import { VitePWA } from "vite-plugin-pwa";

// The backend serves dist/ at "/" (backend/http/pwa.py); during `npm run dev` Vite proxies the API.
const api = "http://127.0.0.1:8000";

const version = (JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { version: string }).version;

export default defineConfig({
  define: { __APP_VERSION__: JSON.stringify(version) },
  build: { target: "es2022", assetsInlineLimit: 0, sourcemap: false },
  server: {
    proxy: Object.fromEntries(
      ["/graphql", "/auth", "/files", "/renditions", "/health", "/sync"].map((p) => [p, api]),
    ),
  },
  plugins: [
    VitePWA({
      strategies: "injectManifest",
      srcDir: "src",
      filename: "sw.ts",
      injectRegister: false,
      registerType: "prompt",
      includeAssets: ["icons/*.png", "favicon.svg"],
      injectManifest: { globPatterns: ["**/*.{js,css,html,svg,png,webmanifest}"] },
      manifest: {
        id: "/",
        name: "Dossier",
        short_name: "Dossier",
        description: "Customer dossiers on your phone, online or offline.",
        start_url: "/",
        scope: "/",
        display: "standalone",
        orientation: "any",
        theme_color: "#1d4e89",
        background_color: "#ffffff",
        lang: "en",
        categories: ["business", "productivity"],
        icons: [
          { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
          { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
          { src: "/icons/icon-maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        ],
        shortcuts: [
          { name: "Search", url: "/?focus=search", icons: [{ src: "/icons/icon-192.png", sizes: "192x192" }] },
          { name: "Documents", url: "/search", icons: [{ src: "/icons/icon-192.png", sizes: "192x192" }] },
          { name: "Today", url: "/today", icons: [{ src: "/icons/icon-192.png", sizes: "192x192" }] },
          { name: "In-tray", url: "/inbox", icons: [{ src: "/icons/icon-192.png", sizes: "192x192" }] },
        ],
        share_target: {
          action: "/share-target",
          method: "POST",
          enctype: "multipart/form-data",
          params: {
            title: "title",
            text: "text",
            files: [{ name: "files", accept: ["image/*", "application/pdf"] }],
          },
        },
      },
    }),
  ],
  test: {
    environment: "happy-dom",
    include: ["src/**/*.test.ts"],
  },
});
