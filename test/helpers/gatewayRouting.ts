/**
 * Which backend a Gateway API implementation sends a request to, given
 * HTTPRoutes: the path matching and URL rewrite rules of the Gateway API
 * specification (HTTPRoute, Core support), for the PathPrefix matches and
 * ReplacePrefixMatch rewrites deploy/k8s uses. Other match or filter types are
 * refused, so a manifest change they cannot judge fails loudly.
 */
import assert from "node:assert/strict";
import type { Obj } from "./kustomize.js";

export interface Routed {
  route: string;
  /** Undefined when the matching rule has no backendRefs: the gateway answers itself. */
  backend: { name: string; port: number } | undefined;
  /** The path the backend receives. */
  path: string;
}

/** PathPrefix matches whole path elements: /pods/a-1 matches /pods/a-1 and /pods/a-1/x, not /pods/a-10. */
function prefixMatches(prefix: string, path: string): boolean {
  const p = prefix.replace(/\/+$/, "");
  return p === "" || path === p || path.startsWith(p + "/");
}

function rewrite(rule: Obj, prefix: string, path: string): string {
  let out = path;
  for (const filter of rule.filters ?? []) {
    assert.equal(filter.type, "URLRewrite", `filter ${filter.type} is not modelled here`);
    const mod = filter.urlRewrite.path;
    assert.equal(mod?.type, "ReplacePrefixMatch", `path modifier ${mod?.type} is not modelled here`);
    const rest = path.slice(prefix.replace(/\/+$/, "").length); // "" or "/…"
    const replacement = mod.replacePrefixMatch.replace(/\/+$/, "");
    out = replacement + rest || "/";
  }
  return out;
}

/** Routes `path` on `host` through `routes`: the longest matching prefix wins, across every route. */
export function routeRequest(routes: Obj[], host: string, path: string): Routed | undefined {
  let best: { route: Obj; rule: Obj; prefix: string } | undefined;
  for (const route of routes) {
    if (!(route.spec.hostnames ?? [host]).includes(host)) continue;
    for (const rule of route.spec.rules) {
      for (const match of rule.matches ?? [{ path: { type: "PathPrefix", value: "/" } }]) {
        assert.equal(match.path?.type ?? "PathPrefix", "PathPrefix", `match ${JSON.stringify(match)}`);
        assert.deepEqual(
          Object.keys(match),
          ["path"],
          "header, query and method matches are not modelled here",
        );
        const prefix = match.path?.value ?? "/";
        if (prefixMatches(prefix, path) && (!best || prefix.length > best.prefix.length)) {
          best = { route, rule, prefix };
        }
      }
    }
  }
  if (!best) return undefined;
  const refs: Obj[] = best.rule.backendRefs ?? [];
  assert.ok(refs.length <= 1, "weighted backends are not modelled here");
  return {
    route: best.route.metadata.name,
    backend: refs[0] && { name: refs[0].name, port: refs[0].port },
    path: rewrite(best.rule, best.prefix, path),
  };
}
