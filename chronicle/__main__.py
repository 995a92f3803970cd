from chronicle.cli import main

raise SystemExit(main())
