const http = require('http');

const port = Number(process.env.PORT || 8080);

const server = http.createServer((req, res) => {
  console.log(`${req.method} ${req.url}`);
  res.writeHead(200, {'Content-Type': 'text/plain'});
  res.end('Hello from Node.js!\n');
});

server.listen(port, '0.0.0.0', () => {
  console.log(`Server listening on port ${port}`);
});
