import { execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLFieldResolver, type GraphQLTypeResolver } from "graphql";
import type { GqlContext } from "./context";

/**
 * Views expose fields as methods (args, ctx, info) or plain values. A field the source
 * doesn't define is an error, so a query never silently gets null for something the
 * stand-in hasn't modelled.
 */
export const fieldResolver: GraphQLFieldResolver<unknown, GqlContext> = (source, args, ctx, info) => {
  if (source === null || source === undefined) return null;
  const obj = source as Record<string, unknown>;
  if (!(info.fieldName in obj)) {
    throw new GraphQLError(`Field '${info.fieldName}' on type '${info.parentType.name}' is not implemented by the Shopify stand-in`, {
      extensions: { code: "STANDIN_NOT_IMPLEMENTED", typeName: info.parentType.name, fieldName: info.fieldName },
    });
  }
  const v = obj[info.fieldName];
  return typeof v === "function" ? (v as (...a: unknown[]) => unknown).call(obj, args, ctx, info) : v;
};

export const typeResolver: GraphQLTypeResolver<unknown, GqlContext> = (value) => {
  const name = (value as { __typename?: string } | null)?.__typename;
  return typeof name === "string" ? name : undefined;
};

export function run(ctx: GqlContext, document: DocumentNode, rootValue: unknown, variableValues: Record<string, unknown>, operationName?: string | null): Promise<ExecutionResult> | ExecutionResult {
  return execute({ schema: ctx.schema, document, rootValue, contextValue: ctx, variableValues, operationName: operationName ?? undefined, fieldResolver, typeResolver });
}
