import type { FastifyInstance } from 'fastify';

export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * JSON is the only request media type (others are a 400). An empty body with a JSON content type
 * counts as no body, because many clients send that header on every POST; routes whose body is
 * optional then see `undefined`, and routes that need one fail validation with a 400.
 */
export function acceptJsonOnly(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  const parse: Parameters<typeof app.addContentTypeParser<string>>[2] = (request, body, done) => {
    if (body.trim() === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, body, done);
  };
  for (const type of ['application/json', /^application\/[\w.+-]+\+json$/]) {
    app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES }, parse);
  }
}
