/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The Kanbo server during `npm run dev` (start it with `make run`).
const server = "http://127.0.0.1:8000";
// Paths answered by the server, not by the app (see src/kanbo/web/spa.py).
const serverPaths = ["/api", "/oauth2", "/oauth", "/login", "/logout", "/openapi.json"];

export default defineConfig({
  plugins: [react()],
  base: "/",
  server: {
    port: 5173,
    proxy: Object.fromEntries(serverPaths.map((path) => [path, { target: server, changeOrigin: false }])),
  },
  build: {
    outDir: "../src/kanbo/web/static/app",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    rolldownOptions: {
      output: {
        // React and the router change rarely: their own long-cached chunks. Screens are lazy routes (App.tsx).
        codeSplitting: {
          groups: [
            { name: "react", test: /node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom)[\\/]/ },
            { name: "query", test: /node_modules[\\/]@tanstack[\\/]react-query|query-core[\\/]/ },
          ],
        },
      },
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test-setup.ts"],
  },
});
