// ESLint flat config (issue #11). `npm run lint` runs it together with `prettier --check .` and the dependency check
// (.dependency-cruiser.cjs). House rules after cdk8s-plus's .eslintrc.json: max-len 150, alphabetised import order,
// member ordering (static fields, static methods, fields, constructor, methods), no duplicate imports, no require().
//
// typescript-eslint's non-type-checked `recommended` set: the type-checked set took 17.7 s instead of 5.8 s on this
// machine (2 shared cores) and adds ~570 findings, nearly all no-unsafe-* on parsed JSON/YAML in tests.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import prettierConfig from "eslint-config-prettier";
import { createNodeResolver, importX } from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

const TS_FILES = ["lib/**/*.ts", "test/**/*.ts", "scripts/**/*.ts", "bench/**/*.ts", "examples/*.ts", "main.ts"];

const houseStyle = {
  files: TS_FILES,
  extends: [js.configs.recommended, ...tseslint.configs.recommended],
  plugins: { "import-x": importX },
  settings: { "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".js", ".json"] })] },
  rules: {
    "import-x/order": [
      "error",
      {
        groups: ["builtin", "external", ["internal", "parent", "sibling", "index"]],
        "newlines-between": "never",
        alphabetize: { order: "asc", caseInsensitive: true },
      },
    ],
    "import-x/no-duplicates": "error",
    "@typescript-eslint/member-ordering": ["error", { default: ["static-field", "static-method", "field", "constructor", "method"] }],
    "@typescript-eslint/no-require-imports": "error",
    // A leading underscore marks a parameter or binding that is unused on purpose (an interface's signature, a
    // destructured key dropped from the rest).
    "@typescript-eslint/no-unused-vars": [
      "error",
      { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
    ],
  },
};

const maxLength = {
  // After eslint-config-prettier, which turns max-len off. Prettier wraps code at 140 but not strings or comments.
  files: TS_FILES,
  rules: { "max-len": ["error", { code: 150, ignoreUrls: true, ignoreRegExpLiterals: true }] },
};

const configs = defineConfig(
  {
    ignores: [
      "node_modules/**",
      "dist/**",
      "cdktf.out/**",
      "coverage/**",
      "docs/**",
      ".app/**",
      "bench/.out/**",
      // Node 22 from the registry and the flavour builds and dev installs (docs/flavours.md).
      ".tools/**",
      "flavours/*/build/**",
      "flavours/*/node_modules/**",
    ],
  },
  { linterOptions: { reportUnusedDisableDirectives: "error" } },
  houseStyle,
  {
    // Deliberate require() calls, each for a reason an `import` cannot serve:
    // - JSON data (the derived CRD schemas) loaded on first use, so importing the library stays cheap;
    // - the `fs` module object itself, so that jest.spyOn can replace its functions (a namespace import is a copy);
    // - a fresh module instance inside jest.isolateModules;
    // - the bench loading modules lazily or from a list, because load time is what it measures.
    files: [
      "lib/schema/schema-registry.ts",
      "test/manifest-validator-oracle.ts",
      "test/manifest-validator-equivalence.test.ts",
      "test/manifest-validator.test.ts",
      "test/repo-paths.test.ts",
      "test/safe-writes.test.ts",
      "test/safe-writes-child.ts",
      "bench/apps/library-app.ts",
      "bench/apps/load-lib.ts",
    ],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // Augments @types/jest's `namespace jest { interface Matchers<R, T = {}> }`: declaration merging needs the same
    // namespace, the same type parameters and the same `{}` default, used or not.
    files: ["lib/testing/jest-matchers.ts"],
    rules: {
      "@typescript-eslint/no-namespace": "off",
      "@typescript-eslint/no-empty-object-type": "off",
      "@typescript-eslint/no-unused-vars": ["error", { varsIgnorePattern: "^(R|T)$" }],
    },
  },
  {
    // The one alias for parsed YAML/JSON trees in tests (see the file's comment).
    files: ["test/parsed.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  prettierConfig,
  maxLength,
);

export default configs;
