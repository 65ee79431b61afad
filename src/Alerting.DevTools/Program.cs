using Alerting.DevTools.Verbs;

// The developer tool (see README): demo, loadgen, evaluate. The production worker is src/Alerting.Worker.
return await DevCommandLine.DispatchAsync(args);
