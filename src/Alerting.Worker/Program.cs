using Alerting.Worker.Verbs;

// One executable, several verbs (see README): run (default), demo, replay, validate-config.
return await CommandLine.DispatchAsync(args);
