/**
 * Per-client patch encoding that costs what the client sees, not what the
 * whole room changed, and encodes each entity once per patch however many
 * clients see it.
 *
 * @colyseus/schema encodes a StateView by walking every ChangeTree that
 * changed this patch and skipping those the view cannot see: with N clients
 * each holding a view, a patch costs N × (entities changed) visibility checks
 * even when every client sees a handful of entities (≈ 1 M checks per patch
 * at 1,000 moving players). And an entity seen by K clients is encoded K
 * times, byte for byte the same each time (in a crowd, K ≈ the view cap).
 *
 * Installed:
 * - each StateView remembers which trees it made visible (`markVisible` /
 *   `unmarkVisible`), and encoding a view walks only those that changed, in
 *   the order of the room's change queue — exactly the trees the stock walk
 *   would not skip, in the same order;
 * - a "plain" entity (a Schema of primitive fields filtered through its
 *   parent collection, like PlayerState and NpcState) has its patch
 *   encoded once, the first time a view needs it, and copied into every other
 *   view that shows it; everything else goes through `Encoder#encode`
 *   unchanged, over a queue holding just those trees.
 *
 * The bytes each client receives are identical to the stock encoder's;
 * test/unit/aoi.test.ts checks that on random rooms — unless the view has
 * update rates (`setViewRates`): then a plain entity far from the observer
 * is sent only every 2nd or n-th patch, and on its turn it carries every
 * field it changed since its previous turn, with the values of that moment
 * (so nothing is lost when it stops). Which fields a tree changed in the
 * last few patches is kept per encoder, by refId — no per-view state.
 *
 * Whenever the shortcut cannot be sure — a changed tree that may inherit visibility from its
 * parent (nested collections without their own @view tag), pending filter
 * re-derivations, or internals that do not look like the ones this was
 * written against (@colyseus/schema 5.0.x) — it falls back to the stock
 * walk for that view and patch.
 *
 * Modules: installViewEncoding.ts (the patches and the per-view encode),
 * patchMemo.ts (what one patch shares between views), plainTrees.ts (which
 * trees can be shared or deferred), viewRates.ts and catchUp.ts (update
 * rates), schemaInternals.ts (the internals it relies on),
 * viewEncodingStats.ts (switch and counters). This file is their entry.
 */

export { installViewEncoding } from "./installViewEncoding.js";
export { setViewRates, setViewShare, type ViewRates } from "./viewRates.js";
export { setViewEncodingEnabled, viewEncodingStats } from "./viewEncodingStats.js";
