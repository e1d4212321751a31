/** `GET /characters` and `POST /characters`: one of the account's characters, as the character screen lists it. */
export interface CharacterSummary {
  id: string;
  name: string;
  district: string;
  organization: string;
  level: number;
}
