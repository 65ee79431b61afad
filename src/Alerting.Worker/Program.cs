using Alerting.Worker.Verbs;

// One executable, several verbs (run, replay, validate-config); CommandLine.Usage lists each with its options ('help' prints it).
// The demo, loadgen and evaluate live in the developer tool (src/Alerting.DevTools), never in this executable.
return await CommandLine.DispatchAsync(args);
