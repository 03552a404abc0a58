export * from "./duration";
export { GitOpsSynthError } from "./validation";
