import { mxoGame } from "./mxo/game.js";
import { runGame } from "./framework/server/runGame.js";

/** `npm start`: The Matrix Online on the framework. */
void runGame(mxoGame);
