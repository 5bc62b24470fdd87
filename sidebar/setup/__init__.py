"""The program administrator's weekly work in Sidebar's own pages: agency settings, the roster,
accounts and roles, invitations. (Django's admin stays for rare repairs.)"""
