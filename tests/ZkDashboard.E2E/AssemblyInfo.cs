// E2E tests drive one browser against real servers on 2 shared cores: run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
