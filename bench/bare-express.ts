// The baseline of `npm run bench`: bare Express 5 answering GET /hello with the service's JSON.
import express from 'express';

const app = express();
app.get('/hello', (_req, res) => {
  res.json({ message: 'Hello, World!' });
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
