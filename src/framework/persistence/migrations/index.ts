import { Initial1732200000000 } from "./1732200000000-Initial.js";
import { Economy1732300000000 } from "./1732300000000-Economy.js";
import { Missions1732400000000 } from "./1732400000000-Missions.js";
import { GmAdmin1732500000000 } from "./1732500000000-GmAdmin.js";
import { Loadouts1732600000000 } from "./1732600000000-Loadouts.js";
import { Analytics1732700000000 } from "./1732700000000-Analytics.js";
import { AccountHardening1732800000000 } from "./1732800000000-AccountHardening.js";
import { StaffRules1732810000000 } from "./1732810000000-StaffRules.js";
import { CharacterOwnership1732820000000 } from "./1732820000000-CharacterOwnership.js";
import { GameData1732830000000 } from "./1732830000000-GameData.js";
import { GameOrganizations1732840000000 } from "./1732840000000-GameOrganizations.js";

/** In order. Referenced by class, not by glob, so tsx and compiled JS behave alike. */
export const migrations = [
  Initial1732200000000,
  Economy1732300000000,
  Missions1732400000000,
  GmAdmin1732500000000,
  Loadouts1732600000000,
  Analytics1732700000000,
  AccountHardening1732800000000,
  StaffRules1732810000000,
  CharacterOwnership1732820000000,
  GameData1732830000000,
  GameOrganizations1732840000000,
];
