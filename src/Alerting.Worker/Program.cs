using Alerting.Worker.Verbs;

// One executable, several verbs; CommandLine.Usage lists each verb with its options ('help' prints it).
return await CommandLine.DispatchAsync(args);
