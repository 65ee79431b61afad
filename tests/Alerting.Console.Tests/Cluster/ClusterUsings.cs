// The linked Redis Cluster harness of the integration tests names the server type with this alias.
global using RedisServer = Alerting.DevTools.Embedded.LocalRedisServer;
