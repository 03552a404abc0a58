export * from "./terraform-controller-cr";
export * from "./runner-identity";
