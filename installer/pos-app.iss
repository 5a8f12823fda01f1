; Inno Setup 6 script: per-user install of the PyInstaller one-folder bundle (no admin rights).
; Build on Windows, after `pyinstaller --noconfirm installer\pos-app.spec` made dist\pos-app\:
;   iscc installer\pos-app.iss        -> dist\installer\pos-app-setup-0.1.0.exe
; Silent install for IT: pos-app-setup-0.1.0.exe /VERYSILENT /CURRENTUSER

#define AppName "Caisse bons d'achat"
#define AppVersion "0.1.0"
#define AppExe "pos-app.exe"

[Setup]
; a fixed AppId: upgrades replace the previous install instead of adding a second one
AppId={{8C6F3E2B-6E0A-4C5B-9B7E-3F1D2A7C9E41}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=pos-voucher-till
DefaultDirName={localappdata}\Programs\pos-app
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; per-user: no UAC prompt, writes only under the user's profile and HKCU
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\dist\installer
OutputBaseFilename=pos-app-setup-{#AppVersion}
SetupIconFile=pos-app.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; the installer's own language: chosen from Windows' UI language, French first
ShowLanguageDialog=auto

[Languages]
Name: "fr"; MessagesFile: "compiler:Languages\French.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
fr.DemoShortcut=Caisse bons d'achat (démo)
en.DemoShortcut=Voucher till (demo)
fr.LaunchApp=Lancer la caisse
en.LaunchApp=Launch the till
fr.DesktopIcon=Créer une icône sur le Bureau
en.DesktopIcon=Create a desktop icon

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"; Flags: unchecked

[Files]
Source: "..\dist\pos-app\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
; Start menu (per-user programs folder, since PrivilegesRequired=lowest)
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\{cm:DemoShortcut}"; Filename: "{app}\{#AppExe}"; Parameters: "--demo"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{userdesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
; the app reads its language from the installer's choice on first start
Filename: "{app}\{#AppExe}"; Parameters: "--lang {language}"; Description: "{cm:LaunchApp}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; the bundle only; the till's data (ledger, settings) in %LOCALAPPDATA%\pos-app is kept on purpose
Type: filesandordirs; Name: "{app}"
