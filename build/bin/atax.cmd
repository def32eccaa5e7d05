@echo off
rem `atax` inside the desktop app on Windows: the app's own Electron binary run as
rem plain Node on the CLI built into the app. Lives in <app>\resources\bin\.
setlocal
set "ELECTRON_RUN_AS_NODE=1"
"%~dp0..\..\Alignment Tax Planner.exe" "%~dp0..\app\out\main\cli.js" %*
endlocal
