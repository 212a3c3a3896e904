//! Text labels placed beside the points they name without covering each other, the markers or
//! the frame's edge, on a dark backing so they read over any picture: the sky's image labels
//! and the 3-D scene's labels.

use bevy_egui::egui::{Color32, Pos2, Rect, Vec2};

/// Label backing: the labels read over bright arcs and the checkerboard alike.
pub const LABEL_BACKING: Color32 = Color32::from_rgba_premultiplied(0, 0, 0, 180);

/// Where a label of `size` goes next to the marker at `at`: the first of eight places around
/// it (right, left, above, below, then the diagonals) that lies inside `frame` and overlaps no
/// rectangle in `taken` (markers and labels already placed); None when none is free.
pub fn place_label(at: Pos2, size: Vec2, frame: Rect, taken: &[Rect]) -> Option<Rect> {
    let gap = 9.0;
    let (w, h) = (size.x, size.y);
    let offsets = [
        Vec2::new(gap, -h / 2.0),
        Vec2::new(-gap - w, -h / 2.0),
        Vec2::new(-w / 2.0, -gap - h),
        Vec2::new(-w / 2.0, gap),
        Vec2::new(gap, -gap - h),
        Vec2::new(-gap - w, -gap - h),
        Vec2::new(gap, gap),
        Vec2::new(-gap - w, gap),
    ];
    offsets
        .iter()
        .map(|o| Rect::from_min_size(at + *o, size))
        .find(|r| frame.contains_rect(*r) && taken.iter().all(|t| !t.intersects(*r)))
}
