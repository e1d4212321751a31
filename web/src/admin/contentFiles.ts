/**
 * A content pack from the files an operator picked: either one JSON file
 * holding the whole pack (`{version, districts, items, …}`, as revisions are
 * stored), or the pack's directory files (`pack.json`, `districts.json`, …),
 * each an object with its own keys, merged into one. The server validates it.
 */
export async function packFromFiles(files: readonly File[]): Promise<Record<string, unknown>> {
  if (files.length === 0) throw new Error("Choose a content pack file (or the pack's JSON files)");
  const pack: Record<string, unknown> = {};
  for (const file of files) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch (err) {
      throw new Error(`${file.name} is not JSON: ${(err as Error).message}`, { cause: err });
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new Error(`${file.name} must hold a JSON object`);
    }
    for (const [key, value] of Object.entries(parsed)) {
      if (key in pack) throw new Error(`"${key}" appears in more than one file (${file.name})`);
      pack[key] = value;
    }
  }
  return pack;
}
