/** The OpenAPI 3.1 description of every public route; tests check it against the router. */
export function openApiDocument(version: string) {
  const error = { $ref: '#/components/responses/Error' };
  const username = {
    name: 'username',
    in: 'path',
    required: true,
    description: '1 to 64 letters (any script, NFC-normalised, case-sensitive).',
    schema: { type: 'string', minLength: 1, maxLength: 64 },
  };
  const writeSecurity = [{ bearerToken: [] }, {}];
  const text = (example: string) => ({ 'text/plain': { schema: { type: 'string' }, example } });
  const status = (...values: string[]) => ({
    'application/json': { schema: { type: 'object', properties: { status: { enum: values } } } },
  });
  const notAllowed = { 405: { ...error, description: 'Method not allowed; see the Allow header.' } };

  return {
    openapi: '3.1.0',
    info: { title: 'Birthday service', version, description: 'Hello, probes and the birthday API.' },
    paths: {
      '/': { get: { summary: 'Plain greeting', responses: { 200: { description: 'Greeting', content: text('Hello World!') } } } },
      '/hello': {
        get: {
          summary: 'JSON greeting',
          responses: { 200: { description: 'Greeting', content: { 'application/json': { schema: { $ref: '#/components/schemas/Message' } } } } },
        },
      },
      '/ping': {
        get: { summary: 'Connectivity probe for latency-based client routing', responses: { 200: { description: 'Pong, never cached', content: text('pong') } } },
        head: { summary: 'Connectivity probe without a body', responses: { 200: { description: 'Pong' } } },
      },
      '/health': { get: { summary: 'Liveness; does not touch the database', responses: { 200: { description: 'Alive', content: status('ok') } } } },
      '/ready': {
        get: {
          summary: 'Readiness for the proxy: 503 only while shutting down. The shared database is reported, not required',
          responses: {
            200: {
              description: 'Ready; database is ok or unavailable (data routes then answer 503 with Retry-After)',
              content: { 'application/json': { schema: { type: 'object', properties: { status: { enum: ['ready'] }, database: { enum: ['ok', 'unavailable'] } } } } },
            },
            503: { description: 'Draining', content: status('draining') },
          },
        },
      },
      '/hello/{username}': {
        parameters: [username],
        get: {
          summary: 'Birthday greeting',
          responses: {
            200: {
              description: 'Days until the birthday ("in N days", "in 1 day"), or happy birthday on the day',
              content: {
                'application/json': {
                  schema: { $ref: '#/components/schemas/Message' },
                  examples: {
                    days: { value: { message: 'Hello, Alice! Your birthday is in 5 days' } },
                    oneDay: { value: { message: 'Hello, Bob! Your birthday is in 1 day' } },
                    birthday: { value: { message: 'Hello, Carol! Happy birthday!' } },
                  },
                },
              },
            },
            400: error,
            404: error,
            ...notAllowed,
            503: error,
          },
        },
        put: {
          summary: 'Create or replace a date of birth',
          security: writeSecurity,
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Birthday' } } },
          },
          responses: { 204: { description: 'Saved' }, 400: error, 401: error, 413: error, 415: error, 503: error },
        },
        delete: {
          summary: 'Forget a user',
          security: writeSecurity,
          responses: { 204: { description: 'Deleted' }, 400: error, 401: error, 404: error, 503: error },
        },
      },
      '/openapi.json': { get: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1 document' } } } },
      '/docs': { get: { summary: 'Interactive API documentation', responses: { 200: { description: 'HTML page' } } } },
    },
    components: {
      schemas: {
        Message: { type: 'object', required: ['message'], properties: { message: { type: 'string' } } },
        Birthday: {
          type: 'object',
          required: ['dateOfBirth'],
          properties: {
            dateOfBirth: { type: 'string', format: 'date', description: 'A real date from 1900-01-01 up to yesterday.' },
          },
        },
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' } } },
      },
      responses: {
        Error: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'Required for writes when API_TOKEN is set.' },
      },
    },
  };
}
