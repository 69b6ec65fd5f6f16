# KINDE_CHECK_CFLAG(FLAG, ACTION-IF-OK)
# Runs ACTION-IF-OK when the C compiler accepts FLAG without a warning.
AC_DEFUN([KINDE_CHECK_CFLAG], [
	AC_MSG_CHECKING([whether $CC accepts $1])
	kinde_save_CFLAGS=$CFLAGS
	CFLAGS="$CFLAGS -Werror $1"
	AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])],
		[AC_MSG_RESULT([yes]); $2], [AC_MSG_RESULT([no])])
	CFLAGS=$kinde_save_CFLAGS
])

# KINDE_CHECK_LDFLAG(FLAG, ACTION-IF-OK)
AC_DEFUN([KINDE_CHECK_LDFLAG], [
	AC_MSG_CHECKING([whether the linker accepts $1])
	kinde_save_LDFLAGS=$LDFLAGS
	LDFLAGS="$LDFLAGS -Werror $1"
	AC_LINK_IFELSE([AC_LANG_PROGRAM([], [])],
		[AC_MSG_RESULT([yes]); $2], [AC_MSG_RESULT([no])])
	LDFLAGS=$kinde_save_LDFLAGS
])
