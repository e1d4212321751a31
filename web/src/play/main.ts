import "../shared/theme.css";
import "./play.css";
import { byId } from "../shared/dom.js";
import { Session } from "../shared/Session.js";
import { PlayApp } from "./PlayApp.js";

void new PlayApp(byId("app"), new Session("mxo.play.session")).start();
