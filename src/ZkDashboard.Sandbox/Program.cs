Console.WriteLine("sandbox: not yet");
