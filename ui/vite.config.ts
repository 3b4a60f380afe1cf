import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { svelteTesting } from "@testing-library/svelte/vite";

// The app is served from inside the binary; nothing is loaded from the network.
export default defineConfig({
  plugins: [svelte(), svelteTesting()],
  clearScreen: false,
  // The user guide is docs/user-guide.md, one folder up, compiled in.
  server: { fs: { allow: [".", "../docs"] } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebKitGTK on Debian 12 and Safari-based WebViews.
    target: "safari15",
    sourcemap: false,
    // The largest chunk is the list of the Rust crates' licenses (about 900 kB
    // of license text), loaded only when About shows it.
    chunkSizeWarningLimit: 1000,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
  },
});
