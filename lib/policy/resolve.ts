import { IConstruct } from "constructs";
import { DefaultTokenResolver, StringConcat, Tokenization } from "../core/framework";

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** What cdktf's (unexported) stack resolve does: tokens to Terraform expressions and literals, from the construct's scope. */
export function resolveTokens(scope: IConstruct, value: unknown): unknown {
  return Tokenization.resolve(value, { scope, preparing: false, resolver: RESOLVER });
}
