import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

type Document = ReturnType<typeof jsonSchemaTransformObject>;

const refsIn = (value: unknown) =>
  new Set([...(JSON.stringify(value) ?? '').matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1] ?? ''));

/**
 * The zod transform registers every named schema twice, as input and as output; response-only
 * schemas would then show up as unused `...Input` components. Keep the referenced ones only.
 */
function withoutUnusedSchemas(document: Document): Document {
  // Always an OpenAPI 3 document here; the type also admits Swagger 2, which has no components.
  const components = (document as { components?: { schemas?: Record<string, unknown> } }).components;
  const schemas = components?.schemas;
  if (!schemas) return document;
  const used = refsIn({ ...document, components: { ...components, schemas: {} } });
  for (let size = -1; size !== used.size; ) {
    size = used.size;
    for (const name of [...used]) for (const ref of refsIn(schemas[name])) used.add(ref);
  }
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return { ...document, components: { ...components, schemas: kept } } as Document;
}

/**
 * The OpenAPI document is generated from the zod schemas that validate requests, so the docs
 * cannot drift from what the service accepts. Register before the routes: @fastify/swagger
 * collects routes as they are added.
 */
export async function registerApiDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'fairdraw',
        description: 'Lotteries and raffles with verifiable draws (algorithm fairdraw-v1).',
        version: '1.0.0',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: (document) => withoutUnusedSchemas(jsonSchemaTransformObject(document)),
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { validatorUrl: null },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
