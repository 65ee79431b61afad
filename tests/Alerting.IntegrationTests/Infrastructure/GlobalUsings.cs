global using RedisServer = Alerting.Worker.Embedded.LocalRedisServer;
