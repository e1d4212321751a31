// The API of the build this package selects at load (see index.js); v20.57.0's
// declarations, the release @colyseus/uwebsockets-transport is written against.
export * from "@btc-vision/uwebsockets.js";
