/** Named secrets the processes sharing one database agree on. */
export interface SecretStore {
  /** Stores `value` under `name` unless a value is there already (the first writer wins). */
  putIfAbsent(name: string, value: string): Promise<void>;
  get(name: string): Promise<string | undefined>;
}
