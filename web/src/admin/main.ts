import "../shared/theme.css";
import "./admin.css";
import { byId } from "../shared/dom.js";
import { Session } from "../shared/Session.js";
import { AdminApp } from "./AdminApp.js";

void new AdminApp(byId("app"), new Session("mxo.admin.session")).start();
