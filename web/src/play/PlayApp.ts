import { Client } from "@colyseus/sdk";
import { fill } from "../shared/dom.js";
import { loginForm } from "../shared/LoginForm.js";
import type { Session } from "../shared/Session.js";
import { characterSelect } from "./CharacterSelect.js";
import { loadDistricts, type DistrictCatalog } from "./DistrictCatalog.js";
import { GameScreen } from "./GameScreen.js";

/** The player's page: log in → pick or create a character → play, and back. */
export class PlayApp {
  private readonly client: Client;
  private catalog: DistrictCatalog | undefined;
  private game: GameScreen | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly session: Session,
  ) {
    // Matchmaking goes to this origin; the seat it returns names the process to connect to.
    this.client = new Client(location.origin.replace(/^http/, "ws"));
    session.onExpired = (reason) => void this.showLogin(`Your session ended: ${reason}`);
  }

  async start(): Promise<void> {
    if (this.session.loggedIn) await this.showCharacters();
    else await this.showLogin();
  }

  private async showLogin(notice?: string): Promise<void> {
    await this.leaveGame();
    this.session.forget();
    fill(
      this.root,
      loginForm({
        session: this.session,
        title: "The Matrix Online",
        subtitle: "Log in, or create an account to enter the Matrix.",
        allowRegister: true,
        notice,
        onLoggedIn: () => void this.showCharacters(),
      }),
    );
    this.root.querySelector<HTMLInputElement>("input[name=username]")?.focus();
  }

  private async showCharacters(notice?: string): Promise<void> {
    await this.leaveGame();
    this.catalog ??= await loadDistricts();
    fill(
      this.root,
      characterSelect({
        session: this.session,
        catalog: this.catalog,
        notice,
        enter: async (character) => {
          const game = new GameScreen({
            client: this.client,
            session: this.session,
            character,
            catalog: this.catalog!,
            exit: (to, text) => {
              this.game = undefined;
              void (to === "login" ? this.showLogin(text) : this.showCharacters(text));
            },
          });
          try {
            await game.start();
          } catch (err) {
            await game.stop();
            throw err;
          }
          this.game = game;
          fill(this.root, game.el);
        },
        logout: () => void this.session.logout().then(() => this.showLogin()),
      }),
    );
  }

  private async leaveGame(): Promise<void> {
    const game = this.game;
    this.game = undefined;
    await game?.stop();
  }
}
