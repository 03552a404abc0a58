/**
 * A value parsed from generated YAML or JSON (a Terraform block, a Flux object, a list of them). Tests walk such trees
 * by the paths they assert on, and a wrong path fails the assertion, so property access is deliberately unchecked here:
 * this alias is the one place tests use `any` (eslint.config.mjs allows it in this file only).
 */
export type Parsed = any;
