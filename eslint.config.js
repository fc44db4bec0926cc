// @ts-check
/**
 * The lint gate (`npm run lint`, part of `npm test`): ESLint's and
 * typescript-eslint's recommended rules with type information, so that the
 * mistakes tsc lets through fail too: a promise nobody awaits or catches
 * (no-floating-promises, no-misused-promises), `any` leaking out of JSON or a
 * library into typed code, an object stringified as "[object Object]", an
 * `eslint-disable` that no longer disables anything.
 */
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "dist-bench/", "node_modules/", "bench/results/", "test-artifacts/", ".tmp/", "data/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node, ...globals.browser },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // `_name` marks a parameter or binding kept for its position or shape.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // Async methods without await implement async interfaces (stores, registries) over synchronous backends.
      "@typescript-eslint/require-await": "off",
      // Listeners shared by every socket take the socket as `this` and name it (a closure per socket costs heap).
      "@typescript-eslint/no-this-alias": ["error", { allowedNames: ["socket", "guard"] }],
    },
  },
  {
    // Tests read JSON, YAML and library internals as `any` on purpose and assert on what they find.
    files: ["test/**"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      // expect(obj.method) and spies hand methods around without calling them.
      "@typescript-eslint/unbound-method": "off",
    },
  },
  {
    // Plain JavaScript (the CLI shim, a preload script, this file) is outside the TypeScript project.
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
);
