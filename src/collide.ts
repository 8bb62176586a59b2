/** sk.collide — see DESIGN §4; filled in by its issue. */
export {};
