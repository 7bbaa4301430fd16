// Shopify answers GraphQL mistakes with graphql-ruby's wording and extension codes, not
// graphql-js's. We validate with graphql-js (same rules) and translate each error.
import {
  coerceInputValue, GraphQLError, isNonNullType, Kind, print, specifiedRules, typeFromAST, validate,
  type ASTNode, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode,
  type ValidationRule, type GraphQLInputType,
} from "graphql";

export interface ShopifyError {
  message: string;
  locations?: { line: number; column: number }[];
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

const ruleOf = new WeakMap<GraphQLError, string>();

const taggedRules: ValidationRule[] = specifiedRules.map((rule) => {
  const wrapped: ValidationRule = (context) =>
    rule(new Proxy(context, {
      get(target, prop) {
        if (prop === "reportError") {
          return (error: GraphQLError) => {
            ruleOf.set(error, rule.name);
            target.reportError(error);
          };
        }
        const v = Reflect.get(target, prop, target);
        return typeof v === "function" ? v.bind(target) : v;
      },
    }));
  return wrapped;
});

interface NodeInfo { path: string[]; argument?: string; field?: string; inVariableDefinition?: string }

/** graphql-ruby reports the document path: ["query Name", "customers", "edges", "node", "nme"]. */
function indexDocument(doc: DocumentNode): Map<ASTNode, NodeInfo> {
  const map = new Map<ASTNode, NodeInfo>();
  const visitValue = (node: ASTNode, info: NodeInfo) => {
    map.set(node, info);
    if (node.kind === Kind.OBJECT) for (const f of node.fields) {
      const inner = { ...info, path: [...info.path, f.name.value] };
      map.set(f, inner);
      visitValue(f.value, inner);
    }
    if (node.kind === Kind.LIST) for (const v of node.values) visitValue(v, info);
  };
  const visitSelections = (set: SelectionSetNode | undefined, path: string[]) => {
    if (!set) return;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const p = [...path, sel.alias?.value ?? sel.name.value];
        map.set(sel, { path: p });
        for (const arg of sel.arguments ?? []) {
          const info = { path: [...p, arg.name.value], argument: arg.name.value, field: sel.name.value };
          map.set(arg, info);
          visitValue(arg.value, info);
        }
        for (const d of sel.directives ?? []) map.set(d, { path: [...p, `@${d.name.value}`] });
        visitSelections(sel.selectionSet, p);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const p = [...path, sel.typeCondition ? `... on ${sel.typeCondition.name.value}` : "..."];
        map.set(sel, { path: p });
        if (sel.typeCondition) map.set(sel.typeCondition, { path: p });
        visitSelections(sel.selectionSet, p);
      } else {
        map.set(sel, { path: [...path, `... ${sel.name.value}`] });
      }
    }
  };
  for (const def of doc.definitions) {
    if (def.kind === Kind.OPERATION_DEFINITION) {
      const base = [`${def.operation}${def.name ? ` ${def.name.value}` : ""}`];
      map.set(def, { path: base });
      for (const v of def.variableDefinitions ?? []) {
        const info = { path: base, inVariableDefinition: v.variable.name.value };
        map.set(v, info);
        map.set(v.type, info);
        let t: ASTNode = v.type;
        while (t.kind !== Kind.NAMED_TYPE) {
          t = (t as { type: ASTNode }).type;
          map.set(t, info);
        }
      }
      visitSelections(def.selectionSet, base);
    } else if (def.kind === Kind.FRAGMENT_DEFINITION) {
      const base = [`fragment ${def.name.value}`];
      map.set(def, { path: base });
      map.set(def.typeCondition, { path: base });
      visitSelections(def.selectionSet, base);
    }
  }
  return map;
}

const bare = (t: string) => t.replace(/[[\]!]/g, "");

function operationLabel(name: string | undefined): string {
  return name ?? "anonymous query";
}

function translate(error: GraphQLError, rule: string, nodes: Map<ASTNode, NodeInfo>): ShopifyError | null {
  const node = error.nodes?.[0];
  const info = node ? nodes.get(node) : undefined;
  const base: ShopifyError = { message: error.message };
  if (error.locations) base.locations = error.locations.map((l) => ({ line: l.line, column: l.column }));
  if (info) base.path = info.path;
  const m = (re: RegExp) => re.exec(error.message);
  let r: RegExpExecArray | null;
  switch (rule) {
    case "FieldsOnCorrectTypeRule":
      if ((r = m(/Cannot query field "(.+?)" on type "(.+?)"/))) {
        base.message = `Field '${r[1]}' doesn't exist on type '${r[2]}'`;
        base.extensions = { code: "undefinedField", typeName: r[2], fieldName: r[1] };
      }
      break;
    case "KnownArgumentNamesRule":
      if ((r = m(/Unknown argument "(.+?)" on field "(?:.+?)\.(.+?)"/))) {
        base.message = `Field '${r[2]}' doesn't accept argument '${r[1]}'`;
        base.extensions = { code: "argumentNotAccepted", name: r[2], typeName: "Field", argumentName: r[1] };
      } else if ((r = m(/Unknown argument "(.+?)" on directive "@(.+?)"/))) {
        base.message = `Directive '${r[2]}' doesn't accept argument '${r[1]}'`;
        base.extensions = { code: "argumentNotAccepted", name: r[2], typeName: "Directive", argumentName: r[1] };
      }
      break;
    case "ProvidedRequiredArgumentsRule":
      if ((r = m(/^(Field|Directive) "@?(.+?)" argument "(.+?)"/))) {
        base.message = `${r[1]} '${r[2]}' is missing required arguments: ${r[3]}`;
        base.extensions = { code: "missingRequiredArguments", className: r[1], name: r[2], arguments: r[3] };
      }
      break;
    case "ScalarLeafsRule":
      if ((r = m(/Field "(.+?)" must not have a selection since type "(.+?)"/))) {
        const subs = node && node.kind === Kind.FIELD ? (node.selectionSet?.selections ?? []).map((s) => (s.kind === Kind.FIELD ? s.name.value : "...")).join(", ") : "";
        base.message = `Selections can't be made on scalars (field '${r[1]}' returns ${bare(r[2])} but has selections [${subs}])`;
        base.extensions = { code: "selectionMismatch", nodeName: `field '${r[1]}'`, typeName: bare(r[2]) };
      } else if ((r = m(/Field "(.+?)" of type "(.+?)" must have a selection of subfields/))) {
        base.message = `Field must have selections (field '${r[1]}' returns ${bare(r[2])} but has no selections. Did you mean '${r[1]} { ... }'?)`;
        base.extensions = { code: "selectionMismatch", nodeName: `field '${r[1]}'`, typeName: bare(r[2]) };
      }
      break;
    case "ValuesOfCorrectTypeRule": {
      const expected = m(/Expected value of type "(.+?)"/)?.[1] ?? m(/of required type "(.+?)"/)?.[1] ?? "";
      const arg = info?.argument ?? "";
      base.message = `Argument '${arg}' on Field '${info?.field ?? ""}' has an invalid value (${node ? print(node) : ""}). Expected type '${expected}'.`;
      base.extensions = { code: "argumentLiteralsIncompatible", typeName: "Field", argumentName: arg };
      break;
    }
    case "NoUndefinedVariablesRule":
      if ((r = m(/Variable "\$(.+?)" is not defined(?: by operation "(.+?)")?/))) {
        base.message = `Variable $${r[1]} is used by ${operationLabel(r[2])} but not declared`;
        base.extensions = { code: "variableNotDefined", variableName: r[1] };
      }
      break;
    case "NoUnusedVariablesRule":
      if ((r = m(/Variable "\$(.+?)" is never used(?: in operation "(.+?)")?/))) {
        base.message = `Variable $${r[1]} is declared by ${operationLabel(r[2])} but not used`;
        base.extensions = { code: "variableNotUsed", variableName: r[1] };
      }
      break;
    case "VariablesInAllowedPositionRule":
      if ((r = m(/Variable "\$(.+?)" of type "(.+?)" used in position expecting type "(.+?)"/))) {
        const nullability = bare(r[2]) === bare(r[3]);
        const kind = nullability ? "Nullability mismatch" : "Type mismatch";
        const arg = info?.argument ?? "";
        base.message = `${kind} on variable $${r[1]} and argument ${arg} (${r[2]} / ${r[3]})`;
        base.extensions = { code: "variableMismatch", variableName: r[1], typeName: r[2], argumentName: arg, errorMessage: kind };
      }
      break;
    case "KnownTypeNamesRule":
      if ((r = m(/Unknown type "(.+?)"/))) {
        if (info?.inVariableDefinition) {
          base.message = `${r[1]} isn't a defined input type (on $${info.inVariableDefinition})`;
          base.extensions = { code: "variableRequiresValidType", typeName: r[1], variableName: info.inVariableDefinition };
        } else {
          base.message = `No such type ${r[1]}, so it can't be a fragment condition`;
          base.extensions = { code: "undefinedType", typeName: r[1] };
        }
      }
      break;
    case "VariablesAreInputTypesRule":
      if ((r = m(/Variable "\$(.+?)" cannot be non-input type "(.+?)"/))) {
        base.message = `${r[2]} isn't a valid input type (on $${r[1]})`;
        base.extensions = { code: "variableRequiresValidType", typeName: r[2], variableName: r[1] };
      }
      break;
    case "KnownDirectivesRule":
      if ((r = m(/Unknown directive "@(.+?)"/))) {
        base.message = `Directive @${r[1]} is not defined`;
        base.extensions = { code: "undefinedDirective", directiveName: r[1] };
      }
      break;
    case "PossibleFragmentSpreadsRule":
      if ((r = m(/Fragment "(.+?)" cannot be spread here as objects of type "(.+?)" can never be of type "(.+?)"/))) {
        base.message = `Fragment ${r[1]} on ${r[3]} can't be spread inside ${r[2]}`;
        base.extensions = { code: "cantSpreadFragment", fragmentName: r[1], parentName: r[2], typeName: r[3] };
      } else if ((r = m(/Fragment cannot be spread here as objects of type "(.+?)" can never be of type "(.+?)"/))) {
        base.message = `Fragment on ${r[2]} can't be spread inside ${r[1]}`;
        base.extensions = { code: "cantSpreadFragment", fragmentName: "unknown", parentName: r[1], typeName: r[2] };
      }
      break;
    case "KnownFragmentNamesRule":
      if ((r = m(/Unknown fragment "(.+?)"/))) {
        base.message = `Fragment ${r[1]} was used, but not defined`;
        base.extensions = { code: "useAndDefineFragment", fragmentName: r[1] };
      }
      break;
    case "NoUnusedFragmentsRule":
      if ((r = m(/Fragment "(.+?)" is never used/))) {
        base.message = `Fragment ${r[1]} was defined, but not used`;
        base.extensions = { code: "useAndDefineFragment", fragmentName: r[1] };
      }
      break;
    case "OverlappingFieldsCanBeMergedRule":
      if ((r = m(/Fields "(.+?)" conflict because (.+?)\. Use different aliases/))) {
        base.message = `Field '${r[1]}' has a field conflict: ${r[2]}`;
        base.extensions = { code: "fieldConflict", fieldName: r[1], conflicts: r[2] };
      }
      break;
    case "UniqueOperationNamesRule":
      if ((r = m(/There can be only one operation named "(.+?)"/))) {
        base.message = `Operation name "${r[1]}" must be unique`;
        base.extensions = { code: "uniquelyNamedOperations", operationName: r[1] };
      }
      break;
    case "UniqueArgumentNamesRule":
      if ((r = m(/There can be only one argument named "(.+?)"/))) {
        base.message = `There can be only one argument named "${r[1]}"`;
        base.extensions = { code: "argumentNamesUnique", name: r[1] };
      }
      break;
  }
  if (!base.extensions) base.extensions = { code: rule.replace(/Rule$/, "").replace(/^./, (c) => c.toLowerCase()) };
  return base;
}

export function validateDocument(schema: GraphQLSchema, doc: DocumentNode): ShopifyError[] {
  const raw = validate(schema, doc, taggedRules);
  if (!raw.length) return [];
  const nodes = indexDocument(doc);
  const out: ShopifyError[] = [];
  const missingArgs = new Map<ASTNode, ShopifyError>();
  for (const e of raw) {
    const rule = ruleOf.get(e) ?? "unknown";
    const t = translate(e, rule, nodes);
    if (!t) continue;
    // graphql-ruby lists all missing arguments of one field in a single error.
    const node = e.nodes?.[0];
    if (rule === "ProvidedRequiredArgumentsRule" && node) {
      const prior = missingArgs.get(node);
      if (prior) {
        const ext = prior.extensions as { arguments: string; className: string; name: string };
        ext.arguments += `, ${(t.extensions as { arguments: string }).arguments}`;
        prior.message = `${ext.className} '${ext.name}' is missing required arguments: ${ext.arguments}`;
        continue;
      }
      missingArgs.set(node, t);
    }
    out.push(t);
  }
  return out;
}

export function syntaxError(e: GraphQLError): ShopifyError {
  const loc = e.locations?.[0];
  const detail = e.message.replace(/^Syntax Error:\s*/, "").replace(/\.$/, "");
  const found = /found (.+)$/.exec(detail)?.[1];
  const unexpected = found === "<EOF>" ? "end of file" : found ?? detail;
  return {
    message: `syntax error, unexpected ${unexpected}${loc ? ` at [${loc.line}, ${loc.column}]` : ""}`,
    ...(loc ? { locations: [{ line: loc.line, column: loc.column }] } : {}),
  };
}

function explain(message: string): string {
  let r: RegExpExecArray | null;
  if ((r = /of required type "(.+?)" was not provided/.exec(message))) return "Expected value to not be null";
  if (/Expected non-nullable type/.test(message)) return "Expected value to not be null";
  if ((r = /Field "(.+?)" is not defined by type "(.+?)"/.exec(message))) return `Field is not defined on ${r[2]}`;
  if ((r = /Could not coerce value .+ to .+/.exec(message))) return r[0];
  if ((r = /Expected type "(.+?)"\.\s*(.*)$/.exec(message))) return `Could not coerce value to ${r[1]}${r[2] ? ` (${r[2].replace(/\.$/, "")})` : ""}`;
  if ((r = /Value "(.+?)" does not exist in "(.+?)" enum/.exec(message))) return `Expected "${r[1]}" to be one of: ${r[2]}`;
  if (/must specify exactly one key/.test(message) || /OneOf/i.test(message)) return "OneOf Input Object must specify exactly one key";
  return message.replace(/\.$/, "");
}

/**
 * Coerces variables the way graphql-ruby reports failures:
 * "Variable $input of type X! was provided invalid value for code (Expected value to not be null)".
 */
export function checkVariables(schema: GraphQLSchema, op: OperationDefinitionNode, variables: Record<string, unknown>): ShopifyError[] {
  const errors: ShopifyError[] = [];
  for (const def of op.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    const type = typeFromAST(schema, def.type as never) as GraphQLInputType | undefined;
    if (!type) continue;
    const typeName = print(def.type);
    const has = Object.prototype.hasOwnProperty.call(variables, name);
    const value = variables[name];
    const problems: { path: (string | number)[]; explanation: string }[] = [];
    if (!has || value === undefined) {
      if (isNonNullType(type) && !def.defaultValue) problems.push({ path: [], explanation: "Expected value to not be null" });
    } else if (value === null) {
      if (isNonNullType(type)) problems.push({ path: [], explanation: "Expected value to not be null" });
    } else {
      coerceInputValue(value, type, (path, _invalid, error) => {
        let p = [...path];
        const missing = /Field "(.+?)" of required type/.exec(error.message) ?? /Field "(.+?)" is not defined by type/.exec(error.message);
        if (missing) p = [...p, missing[1]];
        problems.push({ path: p, explanation: explain(error.message) });
      });
    }
    if (!problems.length) continue;
    const first = problems[0];
    const where = first.path.length ? ` for ${first.path.join(".")}` : "";
    const loc = def.loc ? def.loc.source && def.loc.startToken : undefined;
    errors.push({
      message: `Variable $${name} of type ${typeName} was provided invalid value${where} (${first.explanation})`,
      ...(loc ? { locations: [{ line: loc.line, column: loc.column }] } : {}),
      extensions: { code: "INVALID_VARIABLE", value: value ?? null, problems },
    });
  }
  return errors;
}
