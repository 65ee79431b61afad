global using RedisServer = Alerting.DevTools.Embedded.LocalRedisServer;
