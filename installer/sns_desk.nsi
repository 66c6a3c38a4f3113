; sns_desk's NSIS template: pynsist's pyapp.nsi with a 64-bit stub, a Japanese UI and user data kept.
; pynsist renders it with Jinja (its own bracket delimiters); see installer/build.py.
[% extends "pyapp.nsi" %]

[% block modernui %]
; The default x86 stub installs nothing on 64-bit Wine; the app is 64-bit anyway.
Target amd64-unicode
; Installation folders: per user (default) %LOCALAPPDATA%\Programs\sns_desk, for all users
; (/AllUsers, IT) %ProgramFiles%\sns_desk. User data lives elsewhere (%LOCALAPPDATA%\sns-desk: the
; database and media; %LOCALAPPDATA%\sns_desk\Logs) and is never touched by this setup or its uninstaller.
; Code signing (build.py --sign-command): makensis signs the uninstaller it embeds and then the setup.
!ifdef SIGN_COMMAND
!uninstfinalize '${SIGN_COMMAND}'
!finalize '${SIGN_COMMAND}'
!endif
!include "MUI2.nsh"
!define MUI_ABORTWARNING
!define MUI_ICON "[[icon]]"
!define MUI_UNICON "[[icon]]"
!define MUI_FINISHPAGE_NOAUTOCLOSE
[% block ui_pages %]
!insertmacro MUI_PAGE_WELCOME
[% if license_file %]
!insertmacro MUI_PAGE_LICENSE [[license_file]]
[% endif %]
!insertmacro MULTIUSER_PAGE_INSTALLMODE
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
[% endblock ui_pages %]
!insertmacro MUI_LANGUAGE "Japanese"
VIProductVersion "[[ ib.version ]].0"
VIAddVersionKey /LANG=${LANG_JAPANESE} "ProductName" "sns_desk"
VIAddVersionKey /LANG=${LANG_JAPANESE} "CompanyName" "[[ ib.publisher ]]"
VIAddVersionKey /LANG=${LANG_JAPANESE} "FileDescription" "sns_desk セットアップ"
VIAddVersionKey /LANG=${LANG_JAPANESE} "FileVersion" "[[ ib.version ]]"
VIAddVersionKey /LANG=${LANG_JAPANESE} "ProductVersion" "[[ ib.version ]]"
VIAddVersionKey /LANG=${LANG_JAPANESE} "LegalCopyright" "[[ ib.publisher ]]"
[% endblock modernui %]

[% block install_pkgs %]
  ; An upgrade replaces the program files whole, so no module of the old version survives. Only
  ; program folders are removed, never %LOCALAPPDATA%\sns_desk (the user's data).
  RMDir /r "$INSTDIR\pkgs"
  RMDir /r "$INSTDIR\Python"
  RMDir /r "$INSTDIR\bin"
  [[ super() ]]
[% endblock install_pkgs %]

[% block install_shortcuts %]
  ; Start menu: "sns_desk" opens the desk window (pythonw, no console).
  SetOutPath "%HOMEDRIVE%\%HOMEPATH%"
  [% for scname, sc in ib.shortcuts.items() %]
  CreateShortCut "$SMPROGRAMS\[[scname]].lnk" "[[sc['target'] ]]" \
    '[[ sc['parameters'] ]]' "$INSTDIR\[[ sc['icon'] ]]" 0 SW_SHOWNORMAL "" "東広島市 SNS 運用デスク"
  [% endfor %]
  SetOutPath "$INSTDIR"
[% endblock install_shortcuts %]
