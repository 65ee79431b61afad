using Alerting.Worker.Verbs;

// One executable, several verbs (see README): run (default), replay, validate-config.
// The demo, loadgen and evaluate live in the developer tool (src/Alerting.DevTools), never in this executable.
return await CommandLine.DispatchAsync(args);
