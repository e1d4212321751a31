/** The web-standard handler Colyseus's router (better-call) serves `/matchmake/*` with, on either transport. */
interface Router {
  handler: (request: Request) => Promise<Response>;
}

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * Colyseus's matchmaking routes parse any body their content type names: a
 * multipart or form body that is not one answers an empty 500 and prints
 * "Failed to parse body as FormData" per request, unauthenticated. The SDK
 * always sends JSON; anything else is refused here with a JSON 415 before
 * the router parses it. (Colyseus's own 520–526 matchmaking codes — unknown
 * room, expired seat… — are its protocol, which the SDK surfaces as the
 * error code, and pass unchanged.) Call after `server.listen`, when the
 * router exists.
 */
export function guardMatchmakeRoutes(router: Router | undefined): void {
  if (!router) throw new Error("guardMatchmakeRoutes: the server has no router yet (call after listen)");
  const handle = router.handler;
  router.handler = (request: Request) => {
    if (request.method === "POST" && new URL(request.url).pathname.startsWith("/matchmake/")) {
      const type = request.headers.get("content-type") ?? "";
      if (!JSON_TYPE.test(type)) {
        return Promise.resolve(
          Response.json(
            {
              error: {
                code: "unsupported_media_type",
                message: "Matchmaking requests carry a JSON body (content-type: application/json)",
              },
            },
            { status: 415 },
          ),
        );
      }
    }
    return handle(request);
  };
}
